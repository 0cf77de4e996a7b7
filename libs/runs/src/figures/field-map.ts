// A map of a cell field as SVG: the cells as an embedded pixelated PNG (row j = 0 at the bottom,
// docs/DESIGN.md conventions), with the title, axes, colour bar, sensors and wells drawn as vectors.
// On the unit square by default; a site's map is drawn in its own coordinates (cells at their aspect,
// axes in site units), inactive cells left blank and its pumping wells marked.
import type { Domain } from '@ldinv/solver';
import { cellImageElement, cellImagePng, type FieldRange } from './cell-image.ts';
import { colormapStops, type ColormapName } from './colormap.ts';
import { formatTick, niceTicks } from './scale.ts';
import { css, el, SvgFigure, text, textWidth } from './svg.ts';

export type { FieldRange } from './cell-image.ts';

export interface Point {
  x: number;
  y: number;
}

/** Where a map lies: a site's rectangle (points are in its coordinates), its length unit for the
 *  axes, and its active cells (nonzero = active; the rest is drawn blank). */
export interface MapGeometry {
  domain: Domain;
  units?: string;
  active?: ArrayLike<number>;
}

export interface FieldMapOptions {
  title?: string;
  colormap?: ColormapName;
  /** Colour range; default: the field's finite min..max over active cells (symmetric about 0 for 'rdbu'). */
  range?: FieldRange;
  /** Quantity on the colour bar, e.g. 'ln K'. */
  barLabel?: string;
  /** Sensor positions (unit-square coordinates, or the site's with `geometry`). */
  sensors?: Point[];
  /** Pumping wells, drawn as larger red markers. */
  wells?: Point[];
  /** Target size of the longer side of the map, px. */
  size?: number;
  geometry?: MapGeometry;
}

export const MAP_MARGIN = 8;
export const TITLE_HEIGHT = 24;
const TITLE_FONT = 14;
const TICK_FONT = 11;
const BAR_GAP = 12;
const BAR_WIDTH = 14;
const WELL = '#dc1e1e';

/** Finite min..max (over active cells); a constant field gets a unit-wide range so colours stay defined. */
export function fieldRange(values: ArrayLike<number>, symmetric = false, active?: ArrayLike<number>): FieldRange {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (active && active[i] === 0) continue;
    const v = values[i];
    if (Number.isFinite(v)) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (min > max) return { min: 0, max: 1 };
  if (symmetric) {
    const a = Math.max(Math.abs(min), Math.abs(max)) || 1;
    return { min: -a, max: a };
  }
  if (min === max) return { min: min - 0.5, max: max + 0.5 };
  return { min, max };
}

/** Pixels per cell so that the longer side is about `size` px. */
export function cellScale(nx: number, ny: number, size: number): number {
  return Math.max(1, Math.round(size / Math.max(nx, ny)));
}

/** Pixel width and height of one cell: square cells on the unit square, a site's at its cells' aspect.
 *  Whole pixels, so that at 100 % zoom every cell is the same block. */
export function cellPixels(nx: number, ny: number, size: number, geometry?: MapGeometry): { sx: number; sy: number } {
  if (!geometry) {
    const s = cellScale(nx, ny, size);
    return { sx: s, sy: s };
  }
  // Whole pixels per cell whose ratio is the cells' aspect (within a few %), with the longer side of
  // the map near `size`: an aspect error counts 4x a size ratio's log.
  const aspect = (geometry.domain.ly / ny) / (geometry.domain.lx / nx);
  let best = { sx: 1, sy: 1, score: Infinity };
  for (let sx = 1; sx <= 64; sx++) {
    const sy = Math.max(1, Math.round(sx * aspect));
    const score = Math.abs(sy / sx - aspect) / aspect + 0.25 * Math.abs(Math.log(Math.max(nx * sx, ny * sy) / size));
    if (score < best.score) best = { sx, sy, score };
  }
  return { sx: best.sx, sy: best.sy };
}

/** A map's area in the figure, px. */
export interface MapArea {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Cells (image), frame and markers of one map. Points are in unit-square or the site's coordinates. */
export function mapLayer(
  values: ArrayLike<number>, nx: number, ny: number, at: MapArea, cmap: ColormapName, range: FieldRange,
  marks: { sensors?: Point[]; wells?: Point[]; geometry?: MapGeometry } = {},
): string {
  const { x, y, w, h } = at;
  const out = [cellImageElement(cellImagePng(values, nx, ny, cmap, range, marks.geometry?.active), x, y, w, h)];
  out.push(el('rect', { x, y, width: w, height: h, fill: 'none', stroke: '#000', 'stroke-width': 0.8 }));
  const px = (p: Point): [number, number] => {
    if (!marks.geometry) return [x + p.x * w, y + (1 - p.y) * h];
    const d = marks.geometry.domain;
    return [x + ((p.x - d.x0) / d.lx) * w, y + (1 - (p.y - d.y0) / d.ly) * h];
  };
  const sensorR = Math.max(2, Math.min(w, h) / 70);
  for (const p of marks.sensors ?? []) {
    const [cx, cy] = px(p);
    out.push(el('circle', { cx, cy, r: sensorR, fill: '#fff', stroke: '#000', 'stroke-width': 0.8 }));
  }
  const wellR = Math.max(3.5, Math.min(w, h) / 40);
  for (const p of marks.wells ?? []) {
    const [cx, cy] = px(p);
    out.push(el('circle', { cx, cy, r: wellR, fill: WELL, stroke: '#000', 'stroke-width': 0.8 }));
  }
  return out.join('\n');
}

/** Axis tick label in site units: whole numbers where the span allows (eastings, northings). */
function axisLabel(v: number, span: number): string {
  return span >= 10 ? String(Math.round(v)) : formatTick(v, span);
}

/** Room the site axes need: left (y tick labels and the y label) and below (x tick labels and the x label). */
export function axesMargins(geometry: MapGeometry | undefined): { left: number; bottom: number } {
  if (!geometry) return { left: 0, bottom: 0 };
  const { domain } = geometry;
  const labels = niceTicks(domain.y0, domain.y0 + domain.ly, 4).map((v) => axisLabel(v, domain.ly));
  return { left: 26 + Math.max(...labels.map((l) => textWidth(l, TICK_FONT))), bottom: 38 };
}

/** Ticks and labels in site units below and left of the map area. */
function siteAxes(geometry: MapGeometry, at: MapArea): string {
  const { domain, units } = geometry;
  const out: string[] = [];
  const bottom = at.y + at.h;
  // Three or so: eastings are six-digit labels.
  for (const v of niceTicks(domain.x0, domain.x0 + domain.lx, 3)) {
    const x = at.x + ((v - domain.x0) / domain.lx) * at.w;
    out.push(el('line', { x1: x, y1: bottom, x2: x, y2: bottom + 4, stroke: '#000' }));
    out.push(text(x, bottom + 15, axisLabel(v, domain.lx), { anchor: 'middle', size: TICK_FONT }));
  }
  for (const v of niceTicks(domain.y0, domain.y0 + domain.ly, 4)) {
    const y = bottom - ((v - domain.y0) / domain.ly) * at.h;
    out.push(el('line', { x1: at.x - 4, y1: y, x2: at.x, y2: y, stroke: '#000' }));
    out.push(text(at.x - 6, y, axisLabel(v, domain.ly), { anchor: 'end', middle: true, size: TICK_FONT }));
  }
  const unit = units ? ` (${units})` : '';
  out.push(text(at.x + at.w / 2, bottom + 32, `x${unit}`, { anchor: 'middle', size: TICK_FONT + 1 }));
  out.push(text(MAP_MARGIN + 8, at.y + at.h / 2, `y${unit}`, { anchor: 'middle', size: TICK_FONT + 1, rotate: -90 }));
  return out.join('\n');
}

/** The colour bar's ticks: round values inside the range. */
export function colourBarTicks(range: FieldRange): number[] {
  return niceTicks(range.min, range.max, 5);
}

/** Width the colour bar with its tick labels and quantity needs, px. */
export function colourBarWidth(range: FieldRange, label?: string): number {
  const labels = colourBarTicks(range).map((v) => formatTick(v, range.max - range.min));
  return BAR_GAP + BAR_WIDTH + 6 + Math.max(...labels.map((l) => textWidth(l, TICK_FONT))) + (label ? 20 : 0);
}

/** Vertical colour bar right of x0 spanning [y0, y0 + h], min at the bottom: a gradient through the
 *  colour map's own anchors (exactly the map, colormap.ts), ticks at round values. */
export function colourBar(x0: number, y0: number, h: number, cmap: ColormapName, range: FieldRange, label?: string): { body: string; defs: string } {
  const id = `bar-${cmap}`;
  const stops = colormapStops(cmap).map(([offset, c]) => el('stop', { offset, 'stop-color': css(c) })).join('');
  const defs = el('linearGradient', { id, x1: 0, y1: 1, x2: 0, y2: 0 }, stops);
  const bx = x0 + BAR_GAP;
  const span = range.max - range.min;
  const out = [el('rect', { x: bx, y: y0, width: BAR_WIDTH, height: h, fill: `url(#${id})`, stroke: '#000', 'stroke-width': 0.8 })];
  let widest = 0;
  for (const v of colourBarTicks(range)) {
    const y = y0 + h - ((v - range.min) / span) * h;
    const t = formatTick(v, span);
    widest = Math.max(widest, textWidth(t, TICK_FONT));
    out.push(el('line', { x1: bx + BAR_WIDTH, y1: y, x2: bx + BAR_WIDTH + 3, y2: y, stroke: '#000' }));
    out.push(text(bx + BAR_WIDTH + 6, y, t, { middle: true, size: TICK_FONT }));
  }
  if (label) out.push(text(bx + BAR_WIDTH + 10 + widest + 8, y0 + h / 2, label, { anchor: 'middle', size: TICK_FONT + 1, rotate: 90 }));
  return { body: out.join('\n'), defs };
}

export function renderFieldMap(values: ArrayLike<number>, nx: number, ny: number, opts: FieldMapOptions = {}): SvgFigure {
  if (values.length !== nx * ny) throw new Error(`renderFieldMap: field has ${values.length} values, grid ${ny}x${nx} needs ${nx * ny}`);
  const cmap = opts.colormap ?? 'viridis';
  const { geometry } = opts;
  const range = opts.range ?? fieldRange(values, cmap === 'rdbu', geometry?.active);
  const cell = cellPixels(nx, ny, opts.size ?? 256, geometry);
  const axes = axesMargins(geometry);
  const titleH = opts.title ? TITLE_HEIGHT : 0;
  const at: MapArea = { x: MAP_MARGIN + axes.left, y: MAP_MARGIN + titleH, w: nx * cell.sx, h: ny * cell.sy };
  const out: string[] = [];
  if (opts.title) out.push(text(MAP_MARGIN, MAP_MARGIN + 16, opts.title, { size: TITLE_FONT, weight: 'bold' }));
  out.push(mapLayer(values, nx, ny, at, cmap, range, { sensors: opts.sensors, wells: opts.wells, geometry }));
  if (geometry) out.push(siteAxes(geometry, at));
  const bar = colourBar(at.x + at.w, at.y, at.h, cmap, range, opts.barLabel);
  out.push(bar.body);
  const width = at.x + at.w + colourBarWidth(range, opts.barLabel) + MAP_MARGIN;
  const height = at.y + at.h + axes.bottom + MAP_MARGIN + 6;
  return new SvgFigure(width, height, out.join('\n'), bar.defs);
}
