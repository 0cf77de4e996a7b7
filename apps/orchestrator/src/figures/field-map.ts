// A map of a cell field: row j = 0 at the bottom (docs/DESIGN.md conventions), a title, a colour bar
// with tick labels, and sensor positions overlaid. On the unit square by default; a site's map is drawn
// in its own coordinates (cells at their aspect, axes in site units), inactive cells left blank and its
// pumping wells marked.
import type { Domain } from '@ldinv/solver';
import { colormap, type ColormapName } from './colormap.ts';
import { drawText, formatTick, GLYPH_HEIGHT, textWidth } from './font.ts';
import { niceTicks } from './line-plot.ts';
import { BLACK, Raster, WHITE, type Rgb } from './raster.ts';

export interface FieldRange {
  min: number;
  max: number;
}

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
  /** Sensor positions (unit-square coordinates, or the site's with `geometry`). */
  sensors?: Point[];
  /** Pumping wells, drawn as larger red markers. */
  wells?: Point[];
  /** Target size of the longer side of the map, px. */
  size?: number;
  geometry?: MapGeometry;
}

const WELL: Rgb = [220, 30, 30];

const MARGIN = 8;
const BAR_GAP = 12;
const BAR_WIDTH = 14;
const TICKS = 5;

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

/** Pixel width and height of one cell: square cells on the unit square, a site's at its cells' aspect. */
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

/** Draws the field's cells into `r` with the map's top-left at (x0, y0); row 0 at the bottom; inactive
 *  cells stay blank. */
export function paintField(
  r: Raster, values: ArrayLike<number>, nx: number, ny: number, x0: number, y0: number, cell: { sx: number; sy: number },
  cmap: ColormapName, range: FieldRange, active?: ArrayLike<number>,
): void {
  const c = colormap(cmap);
  const span = range.max - range.min || 1;
  const { sx, sy } = cell;
  for (let j = 0; j < ny; j++) {
    const top = y0 + (ny - 1 - j) * sy;
    for (let i = 0; i < nx; i++) {
      if (active && active[j * nx + i] === 0) continue;
      r.fillRect(x0 + i * sx, top, sx, sy, c((values[j * nx + i] - range.min) / span));
    }
  }
}

/** Unit-square position of a point given in the map's coordinates. */
function unitOf(p: Point, geometry?: MapGeometry): Point {
  if (!geometry) return p;
  const { x0, y0, lx, ly } = geometry.domain;
  return { x: (p.x - x0) / lx, y: (p.y - y0) / ly };
}

export function paintSensors(r: Raster, sensors: Point[], x0: number, y0: number, w: number, h: number, geometry?: MapGeometry): void {
  const radius = Math.max(1.5, Math.min(w, h) / 70);
  for (const s of sensors) {
    const u = unitOf(s, geometry);
    r.marker(x0 + u.x * w, y0 + (1 - u.y) * h, radius, WHITE, BLACK);
  }
}

function paintWells(r: Raster, wells: Point[], x0: number, y0: number, w: number, h: number, geometry?: MapGeometry): void {
  const radius = Math.max(3, Math.min(w, h) / 40);
  for (const p of wells) {
    const u = unitOf(p, geometry);
    r.marker(x0 + u.x * w, y0 + (1 - u.y) * h, radius, WELL, BLACK);
  }
}

/** Axis tick label in site units: whole numbers where the span allows (eastings, northings). */
function axisLabel(v: number, span: number): string {
  return span >= 10 ? String(Math.round(v)) : formatTick(v, span);
}

/** Site-unit ticks below and left of a map at (x0, y0) of w x h px; returns nothing, draws into r. */
function paintAxes(r: Raster, geometry: MapGeometry, x0: number, y0: number, w: number, h: number, fontScale: number): void {
  const { domain } = geometry;
  const glyph = GLYPH_HEIGHT * fontScale;
  for (const v of niceTicks(domain.x0, domain.x0 + domain.lx, 4)) {
    const x = x0 + ((v - domain.x0) / domain.lx) * w;
    r.line(x, y0 + h, x, y0 + h + 3, BLACK);
    const label = axisLabel(v, domain.lx);
    drawText(r, label, Math.min(Math.max(x - textWidth(label, fontScale) / 2, 0), r.width - textWidth(label, fontScale)), y0 + h + 5, BLACK, fontScale);
  }
  for (const v of niceTicks(domain.y0, domain.y0 + domain.ly, 4)) {
    const y = y0 + h - ((v - domain.y0) / domain.ly) * h;
    r.line(x0 - 3, y, x0, y, BLACK);
    const label = axisLabel(v, domain.ly);
    drawText(r, label, x0 - 5 - textWidth(label, fontScale), Math.max(y - glyph / 2, 0), BLACK, fontScale);
  }
  if (geometry.units) drawText(r, geometry.units, x0 + w - textWidth(geometry.units, fontScale), y0 + h + 7 + glyph, BLACK, fontScale);
}

/** Room the axes need: left (y labels) and below (x labels and the unit). */
function axesMargins(geometry: MapGeometry | undefined, fontScale: number): { left: number; bottom: number } {
  if (!geometry) return { left: 0, bottom: 0 };
  const { domain } = geometry;
  const labels = niceTicks(domain.y0, domain.y0 + domain.ly, 4).map((v) => axisLabel(v, domain.ly));
  return { left: 8 + Math.max(...labels.map((l) => textWidth(l, fontScale))), bottom: 2 * GLYPH_HEIGHT * fontScale + 12 };
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
  const { geometry } = opts;
  const active = geometry?.active;
  const range = opts.range ?? fieldRange(values, cmap === 'rdbu', active);
  const cell = cellPixels(nx, ny, opts.size ?? 256, geometry);
  const w = nx * cell.sx;
  const h = ny * cell.sy;
  const fontScale = 2;
  const axes = axesMargins(geometry, geometry ? 1 : fontScale);
  const titleH = opts.title ? GLYPH_HEIGHT * fontScale + 8 : 0;
  const width = MARGIN + axes.left + w + colourBarWidth(range, fontScale) + MARGIN;
  const height = MARGIN + titleH + h + axes.bottom + MARGIN;
  const r = new Raster(width, height);
  if (opts.title) drawText(r, opts.title, MARGIN, MARGIN, BLACK, fontScale);
  const x0 = MARGIN + axes.left;
  const y0 = MARGIN + titleH;
  paintField(r, values, nx, ny, x0, y0, cell, cmap, range, active);
  r.strokeRect(x0, y0, w, h, BLACK);
  if (geometry) paintAxes(r, geometry, x0, y0, w, h, 1);
  if (opts.sensors) paintSensors(r, opts.sensors, x0, y0, w, h, geometry);
  if (opts.wells) paintWells(r, opts.wells, x0, y0, w, h, geometry);
  paintColourBar(r, x0 + w, y0, h, cmap, range, fontScale);
  return r;
}
