// A small RGBA canvas with the few primitives the figures need, encoded to PNG with pngjs.
import { PNG } from 'pngjs';

export type Rgb = readonly [number, number, number];

export const WHITE: Rgb = [255, 255, 255];
export const BLACK: Rgb = [0, 0, 0];
export const GREY: Rgb = [150, 150, 150];

export class Raster {
  readonly data: Uint8Array;

  constructor(readonly width: number, readonly height: number, background: Rgb = WHITE) {
    if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
      throw new Error(`Raster: size must be positive integers, got ${width}x${height}`);
    }
    this.data = new Uint8Array(width * height * 4);
    this.fillRect(0, 0, width, height, background);
  }

  /** Sets one pixel; points outside the canvas are ignored (clipping). */
  set(x: number, y: number, [r, g, b]: Rgb, alpha = 1): void {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const o = (y * this.width + x) * 4;
    const d = this.data;
    if (alpha >= 1) {
      d[o] = r;
      d[o + 1] = g;
      d[o + 2] = b;
    } else {
      d[o] = Math.round(d[o] * (1 - alpha) + r * alpha);
      d[o + 1] = Math.round(d[o + 1] * (1 - alpha) + g * alpha);
      d[o + 2] = Math.round(d[o + 2] * (1 - alpha) + b * alpha);
    }
    d[o + 3] = 255;
  }

  get(x: number, y: number): Rgb {
    const o = (y * this.width + x) * 4;
    return [this.data[o], this.data[o + 1], this.data[o + 2]];
  }

  fillRect(x0: number, y0: number, w: number, h: number, colour: Rgb): void {
    for (let y = Math.max(0, y0); y < Math.min(this.height, y0 + h); y++) {
      for (let x = Math.max(0, x0); x < Math.min(this.width, x0 + w); x++) this.set(x, y, colour);
    }
  }

  /** 1-pixel rectangle outline around [x0, x0+w) x [y0, y0+h). */
  strokeRect(x0: number, y0: number, w: number, h: number, colour: Rgb): void {
    this.line(x0 - 1, y0 - 1, x0 + w, y0 - 1, colour);
    this.line(x0 - 1, y0 + h, x0 + w, y0 + h, colour);
    this.line(x0 - 1, y0 - 1, x0 - 1, y0 + h, colour);
    this.line(x0 + w, y0 - 1, x0 + w, y0 + h, colour);
  }

  /** Bresenham line; `dash` > 0 draws `dash` pixels on, `dash` off. */
  line(x0: number, y0: number, x1: number, y1: number, colour: Rgb, { dash = 0, alpha = 1 } = {}): void {
    x0 = Math.round(x0);
    y0 = Math.round(y0);
    x1 = Math.round(x1);
    y1 = Math.round(y1);
    const dx = Math.abs(x1 - x0);
    const dy = -Math.abs(y1 - y0);
    const sx = x0 < x1 ? 1 : -1;
    const sy = y0 < y1 ? 1 : -1;
    let err = dx + dy;
    for (let step = 0; ; step++) {
      if (dash <= 0 || Math.floor(step / dash) % 2 === 0) this.set(x0, y0, colour, alpha);
      if (x0 === x1 && y0 === y1) break;
      const e2 = 2 * err;
      if (e2 >= dy) {
        err += dy;
        x0 += sx;
      }
      if (e2 <= dx) {
        err += dx;
        y0 += sy;
      }
    }
  }

  /** Filled disc with an outline: the sensor marker. */
  marker(cx: number, cy: number, radius: number, fill: Rgb, outline: Rgb): void {
    const r2 = radius * radius;
    const inner = (radius - 1) * (radius - 1);
    for (let y = Math.floor(cy - radius); y <= Math.ceil(cy + radius); y++) {
      for (let x = Math.floor(cx - radius); x <= Math.ceil(cx + radius); x++) {
        const d2 = (x - cx) ** 2 + (y - cy) ** 2;
        if (d2 <= inner) this.set(x, y, fill);
        else if (d2 <= r2) this.set(x, y, outline);
      }
    }
  }

  /** Copies another raster with its top-left corner at (x0, y0). */
  blit(src: Raster, x0: number, y0: number): void {
    for (let y = 0; y < src.height; y++) for (let x = 0; x < src.width; x++) this.set(x0 + x, y0 + y, src.get(x, y));
  }

  toPng(): Buffer {
    const png = new PNG({ width: this.width, height: this.height });
    png.data = Buffer.from(this.data.buffer, this.data.byteOffset, this.data.byteLength);
    return PNG.sync.write(png);
  }
}

export function decodePng(bytes: Uint8Array): { width: number; height: number; data: Uint8Array } {
  const png = PNG.sync.read(Buffer.from(bytes));
  return { width: png.width, height: png.height, data: new Uint8Array(png.data) };
}
