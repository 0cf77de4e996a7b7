// Members side by side on one shared colour range, so differences between them are differences of
// colour: one pixelated cell image per tile, labels and the shared colour bar as SVG.
import type { ColormapName } from './colormap.ts';
import { cellPixels, colourBar, colourBarWidth, fieldRange, MAP_MARGIN, mapLayer, TITLE_HEIGHT, type FieldRange, type MapGeometry, type Point } from './field-map.ts';
import { SvgFigure, text } from './svg.ts';

export interface MosaicTile {
  values: ArrayLike<number>;
  label: string;
}

export interface MosaicOptions {
  title?: string;
  colormap?: ColormapName;
  range?: FieldRange;
  /** Quantity on the colour bar, e.g. 'ln K'. */
  barLabel?: string;
  sensors?: Point[];
  /** Tiles per row; default ceil(sqrt(n)), at most 8. */
  columns?: number;
  /** Longer side of a tile, px. */
  tileSize?: number;
  /** A site's rectangle (sensors in its coordinates) and active cells. */
  geometry?: MapGeometry;
}

export const MOSAIC_GAP = 6;
export const MOSAIC_LABEL_HEIGHT = 15;
const LABEL_FONT = 11;
const TITLE_FONT = 14;

export function renderMosaic(tiles: MosaicTile[], nx: number, ny: number, opts: MosaicOptions = {}): SvgFigure {
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
  const titleH = opts.title ? TITLE_HEIGHT : 0;
  const gridW = columns * w + (columns - 1) * MOSAIC_GAP;
  const gridH = rows * (MOSAIC_LABEL_HEIGHT + h) + (rows - 1) * MOSAIC_GAP;
  const top = MAP_MARGIN + titleH;
  const out: string[] = [];
  if (opts.title) out.push(text(MAP_MARGIN, MAP_MARGIN + 16, opts.title, { size: TITLE_FONT, weight: 'bold' }));
  tiles.forEach((t, k) => {
    const x = MAP_MARGIN + (k % columns) * (w + MOSAIC_GAP);
    const y = top + Math.floor(k / columns) * (MOSAIC_LABEL_HEIGHT + h + MOSAIC_GAP);
    out.push(text(x, y + MOSAIC_LABEL_HEIGHT - 4, t.label, { size: LABEL_FONT }));
    out.push(mapLayer(t.values, nx, ny, { x, y: y + MOSAIC_LABEL_HEIGHT, w, h }, cmap, range, { sensors: opts.sensors, geometry: opts.geometry }));
  });
  const bar = colourBar(MAP_MARGIN + gridW, top + MOSAIC_LABEL_HEIGHT, gridH - MOSAIC_LABEL_HEIGHT, cmap, range, opts.barLabel);
  out.push(bar.body);
  return new SvgFigure(MAP_MARGIN + gridW + colourBarWidth(range, opts.barLabel) + MAP_MARGIN, top + gridH + MAP_MARGIN + 6, out.join('\n'), bar.defs);
}
