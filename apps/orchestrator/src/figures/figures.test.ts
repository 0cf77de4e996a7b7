import { describe, expect, it } from 'vitest';
import { colormap } from './colormap.ts';
import { cellPixels, fieldRange, renderFieldMap } from './field-map.ts';
import { drawText, formatTick, textWidth } from './font.ts';
import { niceTicks, renderLinePlot } from './line-plot.ts';
import { renderMosaic } from './mosaic.ts';
import { decodePng, Raster } from './raster.ts';

const same = (a: readonly number[], b: readonly number[]) => a.every((v, i) => Math.abs(v - b[i]) <= 1);

describe('colormaps', () => {
  it('hit their end anchors and clamp outside [0, 1]', () => {
    const v = colormap('viridis');
    expect(v(0)).toEqual([0x44, 0x01, 0x54]);
    expect(v(1)).toEqual([0xfd, 0xe7, 0x25]);
    expect(v(-3)).toEqual(v(0));
    expect(colormap('rdbu')(0.5)).toEqual([0xf7, 0xf7, 0xf7]);
    expect(v(Number.NaN)).toEqual([128, 128, 128]);
  });
});

describe('field map', () => {
  // 4x2 field: row j = 0 (bottom) holds 0..3, row 1 (top) holds 10..13.
  const values = Float64Array.of(0, 1, 2, 3, 10, 11, 12, 13);
  const r = renderFieldMap(values, 4, 2, { title: 'ln K', size: 40, sensors: [{ x: 0.875, y: 0.25 }] });
  const png = decodePng(r.toPng());
  const px = (x: number, y: number) => Array.from(png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3));
  // Layout of renderFieldMap: margin 8, title 2x7 + 8 = 22, scale = 40 / 4 = 10 px per cell.
  const x0 = 8;
  const y0 = 8 + 22;

  it('draws row 0 at the bottom with the colour of its value', () => {
    const c = colormap('viridis');
    expect(same(px(x0 + 5, y0 + 15), c(0))).toBe(true); // cell (i 0, j 0): bottom-left, min
    expect(same(px(x0 + 35, y0 + 5), c(1))).toBe(true); // cell (i 3, j 1): top-right, max
    expect(same(px(x0 + 15, y0 + 5), c(11 / 13))).toBe(true);
  });

  it('puts a sensor marker at its (x, y) and a colour bar from min (bottom) to max (top)', () => {
    // Sensor at x = 0.875, y = 0.25 -> pixel (8 + 35, 30 + 15): white centre.
    expect(px(x0 + 35, y0 + 15)).toEqual([255, 255, 255]);
    const barX = x0 + 40 + 12 + 7;
    expect(same(px(barX, y0), colormap('viridis')(1))).toBe(true);
    expect(same(px(barX, y0 + 19), colormap('viridis')(0))).toBe(true);
    expect(png.width).toBeGreaterThan(x0 + 40 + 12 + 14);
  });

  it('rejects a field that does not match its grid', () => {
    expect(() => renderFieldMap(new Float64Array(3), 2, 2)).toThrow('renderFieldMap: field has 3 values, grid 2x2 needs 4');
  });

  it('ranges: finite extremes, symmetric for signed maps, widened for constant fields', () => {
    expect(fieldRange([3, Number.NaN, -1])).toEqual({ min: -1, max: 3 });
    expect(fieldRange([3, -1], true)).toEqual({ min: -3, max: 3 });
    expect(fieldRange([2, 2])).toEqual({ min: 1.5, max: 2.5 });
  });
});

describe('text, mosaic and line plot', () => {
  it('draws glyph pixels and formats ticks compactly', () => {
    const r = new Raster(20, 10);
    drawText(r, '1', 0, 0, [0, 0, 0]);
    // Glyph '1' row 0 is 0x04: only column 2 set.
    expect(r.get(2, 0)).toEqual([0, 0, 0]);
    expect(r.get(1, 0)).toEqual([255, 255, 255]);
    expect(textWidth('abc', 2)).toBe(34);
    expect([formatTick(0.0012), formatTick(-2.345), formatTick(12000), formatTick(0)]).toEqual(['1.2e-3', '-2.35', '1.2e4', '0']);
    // On a bar spanning 2.6, a mid tick of 2.4e-5 is zero within the bar's resolution.
    expect([formatTick(2.4e-5, 2.6), formatTick(0.6499, 2.6), formatTick(2.4e-5, 1e-4)]).toEqual(['0', '0.65', '2.4e-5']);
  });

  it('lays out one tile per member', () => {
    const tiles = Array.from({ length: 5 }, (_, k) => ({ values: new Float64Array(16).fill(k), label: `#${k}` }));
    const r = renderMosaic(tiles, 4, 4, { tileSize: 16 });
    // 3 columns x 2 rows of 16 px tiles with 6 px gaps and 11 px label rows.
    expect(r.height).toBe(8 + 2 * (11 + 16) + 6 + 8);
    expect(same(r.get(8 + 2, 8 + 11 + 2), colormap('viridis')(0))).toBe(true);
    expect(same(r.get(8 + 2 * 22 + 2, 8 + 11 + 2), colormap('viridis')(0.5))).toBe(true);
  });

  it('draws curves on decade axes', () => {
    expect(niceTicks(0, 200)).toEqual([0, 50, 100, 150, 200]);
    const r = renderLinePlot([{ x: [0, 99], y: [100, 1], colour: [255, 0, 0] }], { width: 300, height: 200 });
    // Plot box: left 64, top 10, 220 x 150; y from 1e0 (bottom) to 1e2 (top): start at top-left, end bottom-right.
    expect(r.get(64, 10)).toEqual([255, 0, 0]);
    expect(r.get(64 + 219, 10 + 149)).toEqual([255, 0, 0]);
  });
});

describe('site maps', () => {
  it("draw cells at the site's aspect and leave inactive cells blank", () => {
    // 75 m x 50 m cells (the shipped site): 3 x 2 px per cell, where the unit square gets 4 x 4.
    const domain = { x0: 512000, y0: 5310000, lx: 4800, ly: 3200 };
    expect(cellPixels(64, 64, 256, { domain })).toEqual({ sx: 3, sy: 2 });
    expect(cellPixels(64, 64, 256)).toEqual({ sx: 4, sy: 4 });
    const values = Float64Array.from({ length: 64 * 64 }, (_, c) => c);
    const range = { min: 0, max: 4095 };
    const all = decodePng(renderFieldMap(values, 64, 64, { geometry: { domain }, range }).toPng());
    const active = Float64Array.from({ length: 64 * 64 }, (_, c) => (c === 0 ? 0 : 1));
    const masked = decodePng(renderFieldMap(values, 64, 64, { geometry: { domain, active }, range }).toPng());
    // The renders differ only where cell 0 (bottom left) is not under the frame: there the masked one is white.
    const differing: [number, number][] = [];
    for (let y = 0; y < all.height; y++) {
      for (let x = 0; x < all.width; x++) {
        const o = (y * all.width + x) * 4;
        if ([0, 1, 2].some((k) => all.data[o + k] !== masked.data[o + k])) differing.push([x, y]);
      }
    }
    expect(differing.length).toBeGreaterThan(0);
    for (const [x, y] of differing) expect(Array.from(masked.data.subarray((y * all.width + x) * 4, (y * all.width + x) * 4 + 3))).toEqual([255, 255, 255]);
    const xs = differing.map(([x]) => x);
    const ys = differing.map(([, y]) => y);
    expect(Math.max(...xs) - Math.min(...xs)).toBeLessThan(3);
    expect(Math.max(...ys) - Math.min(...ys)).toBeLessThan(2);
  });
});
