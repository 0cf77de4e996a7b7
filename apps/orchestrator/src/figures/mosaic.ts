// Members side by side on one shared colour range, so differences between them are differences of colour.
import type { ColormapName } from './colormap.ts';
import { cellPixels, colourBarWidth, fieldRange, paintColourBar, paintField, paintSensors, type FieldRange, type MapGeometry, type Point } from './field-map.ts';
import { drawText, GLYPH_HEIGHT } from './font.ts';
import { BLACK, Raster } from './raster.ts';

export interface MosaicTile {
  values: ArrayLike<number>;
  label: string;
}

export interface MosaicOptions {
  title?: string;
  colormap?: ColormapName;
  range?: FieldRange;
  sensors?: Point[];
  /** Tiles per row; default ceil(sqrt(n)), at most 8. */
  columns?: number;
  /** Longer side of a tile, px. */
  tileSize?: number;
  /** A site's rectangle (sensors in its coordinates) and active cells. */
  geometry?: MapGeometry;
}

const MARGIN = 8;
const GAP = 6;

export function renderMosaic(tiles: MosaicTile[], nx: number, ny: number, opts: MosaicOptions = {}): Raster {
  if (tiles.length === 0) throw new Error('renderMosaic: no tiles');
  const cmap = opts.colormap ?? 'viridis';
  let range = opts.range;
  if (!range) {
    const all = new Float64Array(tiles.length * nx * ny);
    tiles.forEach((t, k) => all.set(Array.from(t.values), k * nx * ny));
    const active = opts.geometry?.active;
    range = fieldRange(all, cmap === 'rdbu', active ? Float64Array.from(all, (_, k) => active[k % (nx * ny)]) : undefined);
  }
  const columns = opts.columns ?? Math.min(8, Math.ceil(Math.sqrt(tiles.length)));
  const rows = Math.ceil(tiles.length / columns);
  const cell = cellPixels(nx, ny, opts.tileSize ?? 96, opts.geometry);
  const w = nx * cell.sx;
  const h = ny * cell.sy;
  const labelH = GLYPH_HEIGHT + 4;
  const titleH = opts.title ? GLYPH_HEIGHT * 2 + 8 : 0;
  const gridW = columns * w + (columns - 1) * GAP;
  const gridH = rows * (labelH + h) + (rows - 1) * GAP;
  const r = new Raster(MARGIN + gridW + colourBarWidth(range, 2) + MARGIN, MARGIN + titleH + gridH + MARGIN);
  if (opts.title) drawText(r, opts.title, MARGIN, MARGIN, BLACK, 2);
  const top = MARGIN + titleH;
  tiles.forEach((t, k) => {
    const x0 = MARGIN + (k % columns) * (w + GAP);
    const y0 = top + Math.floor(k / columns) * (labelH + h + GAP);
    drawText(r, t.label, x0, y0, BLACK);
    paintField(r, t.values, nx, ny, x0, y0 + labelH, cell, cmap, range, opts.geometry?.active);
    r.strokeRect(x0, y0 + labelH, w, h, BLACK);
    if (opts.sensors) paintSensors(r, opts.sensors, x0, y0 + labelH, w, h, opts.geometry);
  });
  paintColourBar(r, MARGIN + gridW, top + labelH, gridH - labelH, cmap, range, 2);
  return r;
}
