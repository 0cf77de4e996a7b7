import { describe, expect, it } from 'vitest';
import { decodePng } from './cell-image.ts';
import { colormap } from './colormap.ts';
import { cellPixels, fieldRange, renderFieldMap } from './field-map.ts';
import { renderMosaic } from './mosaic.ts';
import { findAll, parseXml, texts, type XmlElement } from './svg-check.fixture.ts';

const pngOf = (image: XmlElement) => decodePng(Buffer.from(image.attrs['xlink:href'].replace(/^data:image\/png;base64,/, ''), 'base64'));
const pixel = (png: ReturnType<typeof decodePng>, x: number, y: number) => Array.from(png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 4));

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
  // 4x2 field: row j = 0 (bottom) holds 0..3, row 1 (top) holds 10..13; 10 px per cell.
  const values = Float64Array.of(0, 1, 2, 3, 10, 11, 12, 13);
  const svg = parseXml(renderFieldMap(values, 4, 2, { title: 'ln K', barLabel: 'ln K', size: 40, sensors: [{ x: 0.875, y: 0.25 }] }).toSvg());
  const [image] = findAll(svg, 'image');

  it('embeds one pixel per cell, row 0 at the bottom, scaled without smoothing into the map area', () => {
    expect([image.attrs.x, image.attrs.y, image.attrs.width, image.attrs.height]).toEqual(['8', '32', '40', '20']);
    expect(image.attrs.style).toBe('image-rendering:pixelated');
    const png = pngOf(image);
    expect([png.width, png.height]).toEqual([4, 2]);
    const c = colormap('viridis');
    expect(pixel(png, 0, 1)).toEqual([...c(0), 255]); // cell (i 0, j 0): bottom left, min
    expect(pixel(png, 3, 0)).toEqual([...c(1), 255]); // cell (i 3, j 1): top right, max
    expect(pixel(png, 1, 0)).toEqual([...c(11 / 13), 255]);
  });

  it('puts a sensor at its (x, y) and a colour bar from min (bottom) to max (top) with round ticks', () => {
    const [sensor] = findAll(svg, 'circle');
    expect([Number(sensor.attrs.cx), Number(sensor.attrs.cy)]).toEqual([8 + 35, 32 + 15]);
    const [gradient] = findAll(svg, 'linearGradient');
    expect([gradient.attrs.y1, gradient.attrs.y2]).toEqual(['1', '0']);
    const stops = findAll(gradient, 'stop');
    expect([stops[0].attrs['stop-color'], stops[stops.length - 1].attrs['stop-color']]).toEqual(['#440154', '#fde725']);
    // Ticks 0, 2, ..., 12 of [0, 13] on a bar from y = 52 (min) to 32 (max).
    const ticks = findAll(svg, 'text').filter((t) => ['0', '6', '12'].includes(t.text));
    expect(ticks.map((t) => Number(t.attrs.y))).toEqual([52, 52 - 120 / 13, 52 - 240 / 13].map((y) => Math.round(y * 100) / 100));
    expect(texts(svg)).toEqual(expect.arrayContaining(['ln K']));
    expect(texts(svg).filter((t) => t === 'ln K')).toHaveLength(2); // title and colour bar
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

describe('site maps', () => {
  const domain = { x0: 512000, y0: 5310000, lx: 4800, ly: 3200 };

  it("draw cells at the site's aspect, axes in site units, and leave inactive cells transparent", () => {
    // 75 m x 50 m cells (the shipped site): 3 x 2 px per cell, where the unit square gets 4 x 4.
    expect(cellPixels(64, 64, 256, { domain })).toEqual({ sx: 3, sy: 2 });
    expect(cellPixels(64, 64, 256)).toEqual({ sx: 4, sy: 4 });
    const values = Float64Array.from({ length: 64 * 64 }, (_, c) => c);
    const active = Float64Array.from({ length: 64 * 64 }, (_, c) => (c === 0 ? 0 : 1));
    const svg = parseXml(renderFieldMap(values, 64, 64, { geometry: { domain, active, units: 'm' }, range: { min: 0, max: 4095 }, wells: [{ x: 514400, y: 5311600 }] }).toSvg());
    const [image] = findAll(svg, 'image');
    const x0 = Number(image.attrs.x);
    const y0 = Number(image.attrs.y);
    expect([image.attrs.width, image.attrs.height]).toEqual(['192', '128']);
    const png = pngOf(image);
    expect(pixel(png, 0, 63)[3]).toBe(0); // cell 0, bottom left: inactive
    expect(pixel(png, 1, 63)[3]).toBe(255);
    // The well at the site's centre, red.
    const [well] = findAll(svg, 'circle');
    expect([Number(well.attrs.cx), Number(well.attrs.cy), well.attrs.fill]).toEqual([x0 + 96, y0 + 64, '#dc1e1e']);
    // Eastings every 2 km: 512000 on the left edge, 516000 at 4000 / 4800 of the width.
    const easting = findAll(svg, 'text').filter((t) => t.text === '516000');
    expect(Number(easting[0].attrs.x)).toBe(x0 + 160);
    expect(texts(svg)).toEqual(expect.arrayContaining(['512000', '5310000', 'x (m)', 'y (m)']));
  });
});

describe('mosaic', () => {
  it('lays out one tile per member on a shared range', () => {
    const tiles = Array.from({ length: 5 }, (_, k) => ({ values: new Float64Array(16).fill(k), label: `#${k}` }));
    const fig = renderMosaic(tiles, 4, 4, { tileSize: 16 });
    // 3 columns x 2 rows of 16 px tiles with 6 px gaps and 15 px label rows.
    expect(fig.height).toBe(8 + 2 * (15 + 16) + 6 + 8 + 6);
    const svg = parseXml(fig.toSvg());
    const images = findAll(svg, 'image');
    expect(images.map((i) => [Number(i.attrs.x), Number(i.attrs.y)])).toEqual([[8, 23], [30, 23], [52, 23], [8, 60], [30, 60]]);
    expect(pixel(pngOf(images[0]), 0, 0).slice(0, 3)).toEqual(colormap('viridis')(0));
    expect(pixel(pngOf(images[2]), 0, 0).slice(0, 3)).toEqual(colormap('viridis')(0.5));
    expect(texts(svg).slice(0, 5)).toEqual(['#0', '#1', '#2', '#3', '#4']);
  });
});
