// A small SVG writer: the figures are vector graphics a paper can take as they are. Text is SVG text
// in a generic font stack (no font file, no bitmap glyphs), so labels keep their typography (χ²/M, ln K,
// 10⁻³) in any viewer; cell fields are embedded as PNG <image>s drawn pixelated.
import type { Rgb } from './colormap.ts';

/** Font stack of every label: DejaVu Sans where installed (full Greek and super/subscripts), else the viewer's sans-serif. */
export const FONT_FAMILY = 'DejaVu Sans, Helvetica, Arial, sans-serif';

/** Approximate advance of one character in em for FONT_FAMILY (DejaVu Sans averages ~0.6 em); used only to leave room. */
const EM_PER_CHAR = 0.6;

export const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Coordinates to 0.01 px: exact enough for print, short enough for the file. */
export const num = (v: number): string => String(Math.round(v * 100) / 100);

export const css = ([r, g, b]: Rgb): string => `#${[r, g, b].map((c) => c.toString(16).padStart(2, '0')).join('')}`;

/** Room a label needs, px (an estimate: SVG has no text metrics outside a renderer). */
export function textWidth(text: string, fontSize: number): number {
  return [...text].length * EM_PER_CHAR * fontSize;
}

export type Attrs = Record<string, string | number | undefined>;

/** One element; attributes with undefined values are left out, numbers go through num(). */
export function el(tag: string, attrs: Attrs, content?: string): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? num(v) : escapeXml(v!)}"`)
    .join('');
  return content === undefined ? `<${tag}${a}/>` : `<${tag}${a}>${content}</${tag}>`;
}

export interface TextOptions {
  size?: number;
  anchor?: 'start' | 'middle' | 'end';
  /** Degrees, about (x, y). */
  rotate?: number;
  weight?: 'bold';
  fill?: string;
  /** Vertical alignment of y: the baseline (default) or the middle of the glyphs. */
  middle?: boolean;
}

export function text(x: number, y: number, content: string, o: TextOptions = {}): string {
  return el('text', {
    x, y, 'font-size': o.size, 'text-anchor': o.anchor === 'start' ? undefined : o.anchor, 'font-weight': o.weight, fill: o.fill,
    // dy instead of dominant-baseline: the latter is ignored by several converters (Inkscape < 1, rsvg).
    dy: o.middle ? '0.35em' : undefined,
    transform: o.rotate ? `rotate(${num(o.rotate)} ${num(x)} ${num(y)})` : undefined,
  }, escapeXml(content));
}

/** A finished figure: its size in px (SVG user units) and its markup. */
export class SvgFigure {
  constructor(readonly width: number, readonly height: number, readonly body: string, readonly defs = '') {}

  /** A standalone SVG file (UTF-8), with the figure's text defaults on the root. */
  toSvg(): string {
    const w = Math.ceil(this.width);
    const h = Math.ceil(this.height);
    return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="${FONT_FAMILY}" font-size="12">
${this.defs ? `<defs>${this.defs}</defs>\n` : ''}<rect width="100%" height="100%" fill="#ffffff"/>
${this.body}
</svg>
`;
  }
}
