// A map of a cell field on the unit square: row j = 0 at the bottom (DESIGN.md conventions), a title,
// a colour bar with tick labels, and sensor positions overlaid.
import { colormap, type ColormapName } from './colormap.ts';
import { drawText, formatTick, GLYPH_HEIGHT, textWidth } from './font.ts';
import { BLACK, Raster, WHITE } from './raster.ts';

export interface FieldRange {
  min: number;
  max: number;
}

export interface Point {
  x: number;
  y: number;
}

export interface FieldMapOptions {
  title?: string;
  colormap?: ColormapName;
  /** Colour range; default: the field's finite min..max (symmetric about 0 for 'rdbu'). */
  range?: FieldRange;
  /** Sensor positions in unit-square coordinates. */
  sensors?: Point[];
  /** Target size of the longer side of the map, px. */
  size?: number;
}

const MARGIN = 8;
const BAR_GAP = 12;
const BAR_WIDTH = 14;
const TICKS = 5;

/** Finite min..max; a constant field gets a unit-wide range so colours stay defined. */
export function fieldRange(values: ArrayLike<number>, symmetric = false): FieldRange {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
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

/** Draws the field's cells into `r` with the map's top-left at (x0, y0); row 0 at the bottom. */
export function paintField(
  r: Raster, values: ArrayLike<number>, nx: number, ny: number, x0: number, y0: number, scale: number,
  cmap: ColormapName, range: FieldRange,
): void {
  const c = colormap(cmap);
  const span = range.max - range.min || 1;
  for (let j = 0; j < ny; j++) {
    const top = y0 + (ny - 1 - j) * scale;
    for (let i = 0; i < nx; i++) r.fillRect(x0 + i * scale, top, scale, scale, c((values[j * nx + i] - range.min) / span));
  }
}

export function paintSensors(r: Raster, sensors: Point[], x0: number, y0: number, w: number, h: number): void {
  const radius = Math.max(1.5, Math.min(w, h) / 70);
  for (const s of sensors) r.marker(x0 + s.x * w, y0 + (1 - s.y) * h, radius, WHITE, BLACK);
}

/** Width the colour bar with its labels needs. */
export function colourBarWidth(range: FieldRange, fontScale = 1): number {
  const labels = tickValues(range).map((v) => formatTick(v, range.max - range.min));
  return BAR_GAP + BAR_WIDTH + 4 + Math.max(...labels.map((l) => textWidth(l, fontScale)));
}

function tickValues(range: FieldRange): number[] {
  return Array.from({ length: TICKS }, (_, k) => range.min + ((range.max - range.min) * k) / (TICKS - 1));
}

/** Vertical colour bar left-aligned at x0 + BAR_GAP, spanning [y0, y0 + h), min at the bottom. */
export function paintColourBar(r: Raster, x0: number, y0: number, h: number, cmap: ColormapName, range: FieldRange, fontScale = 1): void {
  const c = colormap(cmap);
  const bx = x0 + BAR_GAP;
  for (let y = 0; y < h; y++) r.fillRect(bx, y0 + y, BAR_WIDTH, 1, c(1 - y / Math.max(1, h - 1)));
  r.strokeRect(bx, y0, BAR_WIDTH, h, BLACK);
  tickValues(range).forEach((v, k) => {
    const y = y0 + Math.round((1 - k / (TICKS - 1)) * (h - 1));
    r.line(bx + BAR_WIDTH, y, bx + BAR_WIDTH + 2, y, BLACK);
    const ty = Math.min(Math.max(y - (GLYPH_HEIGHT * fontScale) / 2, 0), r.height - GLYPH_HEIGHT * fontScale);
    drawText(r, formatTick(v, range.max - range.min), bx + BAR_WIDTH + 4, ty, BLACK, fontScale);
  });
}

export function renderFieldMap(values: ArrayLike<number>, nx: number, ny: number, opts: FieldMapOptions = {}): Raster {
  if (values.length !== nx * ny) throw new Error(`renderFieldMap: field has ${values.length} values, grid ${ny}x${nx} needs ${nx * ny}`);
  const cmap = opts.colormap ?? 'viridis';
  const range = opts.range ?? fieldRange(values, cmap === 'rdbu');
  const scale = cellScale(nx, ny, opts.size ?? 256);
  const w = nx * scale;
  const h = ny * scale;
  const fontScale = 2;
  const titleH = opts.title ? GLYPH_HEIGHT * fontScale + 8 : 0;
  const width = MARGIN + w + colourBarWidth(range, fontScale) + MARGIN;
  const height = MARGIN + titleH + h + MARGIN;
  const r = new Raster(width, height);
  if (opts.title) drawText(r, opts.title, MARGIN, MARGIN, BLACK, fontScale);
  const y0 = MARGIN + titleH;
  paintField(r, values, nx, ny, MARGIN, y0, scale, cmap, range);
  r.strokeRect(MARGIN, y0, w, h, BLACK);
  if (opts.sensors) paintSensors(r, opts.sensors, MARGIN, y0, w, h);
  paintColourBar(r, MARGIN + w, y0, h, cmap, range, fontScale);
  return r;
}
