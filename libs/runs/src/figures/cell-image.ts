// A cell field as a PNG of one pixel per cell (row j = 0 at the bottom, inactive cells transparent),
// embedded in the figures' SVG and scaled there without smoothing, so every cell stays a sharp block
// at any zoom and the file holds each cell's colour once.
import { PNG } from 'pngjs';
import { colormap, type ColormapName } from './colormap.ts';
import { el } from './svg.ts';

export interface FieldRange {
  min: number;
  max: number;
}

export function cellImagePng(
  values: ArrayLike<number>, nx: number, ny: number, cmap: ColormapName, range: FieldRange, active?: ArrayLike<number>,
): Buffer {
  const c = colormap(cmap);
  const span = range.max - range.min || 1;
  const png = new PNG({ width: nx, height: ny });
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const o = ((ny - 1 - j) * nx + i) * 4;
      const cell = j * nx + i;
      if (active && active[cell] === 0) {
        png.data.fill(0, o, o + 4);
        continue;
      }
      const [r, g, b] = c((values[cell] - range.min) / span);
      png.data[o] = r;
      png.data[o + 1] = g;
      png.data[o + 2] = b;
      png.data[o + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

/** The PNG as an SVG <image> filling (x, y, w, h); pixelated (optimizeSpeed for SVG 1.1 viewers). */
export function cellImageElement(png: Buffer, x: number, y: number, w: number, h: number): string {
  return el('image', {
    x, y, width: w, height: h, preserveAspectRatio: 'none', 'image-rendering': 'optimizeSpeed',
    style: 'image-rendering:pixelated', 'xlink:href': `data:image/png;base64,${png.toString('base64')}`,
  });
}

export function decodePng(bytes: Uint8Array): { width: number; height: number; data: Uint8Array } {
  const png = PNG.sync.read(Buffer.from(bytes));
  return { width: png.width, height: png.height, data: new Uint8Array(png.data) };
}
