import { describe, expect, it } from 'vitest';
import { ssim } from './ssim.ts';

/** Field f(i, j) on a [ny, nx] grid, row-major. */
function field(nx: number, ny: number, f: (i: number, j: number) => number): Float64Array {
  const out = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) out[j * nx + i] = f(i, j);
  return out;
}

// Discrete Gaussian window of side 11, σ = 1.5, and its variance Σ w_k (k − 5)².
const w = Array.from({ length: 11 }, (_, k) => Math.exp(-((k - 5) ** 2) / 4.5));
const wSum = w.reduce((a, b) => a + b, 0);
const windowVariance = w.reduce((acc, wk, k) => acc + (wk / wSum) * (k - 5) ** 2, 0);

describe('ssim', () => {
  const grid = { nx: 24, ny: 16 };
  // A ramp along x: the symmetric window's local mean is the centre value and its local variance
  // is a² Σ w_k (k − 5)², so SSIM has a closed form for shifted and scaled copies.
  const a = 0.1;
  const ramp = field(24, 16, (i) => a * i);
  const L = a * 23;
  const c1 = (0.01 * L) ** 2;
  const c2 = (0.03 * L) ** 2;
  const positions = Array.from({ length: 24 - 10 }, (_, i) => a * (i + 5)); // valid-window means

  it('is 1 for identical fields', () => {
    expect(ssim(ramp, ramp, grid)).toBeCloseTo(1, 14);
  });

  it('matches the closed form for a shifted ramp (only the luminance term drops)', () => {
    const c = 0.7;
    const shifted = ramp.map((v) => v + c);
    const expected =
      positions.reduce((acc, mu) => acc + (2 * mu * (mu + c) + c1) / (mu * mu + (mu + c) ** 2 + c1), 0) / positions.length;
    expect(ssim(shifted, ramp, grid)).toBeCloseTo(expected, 12);
    expect(expected).toBeLessThan(0.9); // a real drop, not a vacuous 1
  });

  it('matches the closed form for a doubled ramp (luminance and contrast terms)', () => {
    const doubled = ramp.map((v) => 2 * v);
    const s2 = a * a * windowVariance;
    const cs = (4 * s2 + c2) / (5 * s2 + c2);
    const expected =
      positions.reduce((acc, mu) => acc + ((4 * mu * mu + c1) / (5 * mu * mu + c1)) * cs, 0) / positions.length;
    expect(ssim(doubled, ramp, grid)).toBeCloseTo(expected, 12);
  });

  it('matches an independent numpy/scipy (convolve2d "valid") reference on a non-trivial pair', () => {
    const g = { nx: 24, ny: 20 };
    const truth = field(24, 20, (i, j) => {
      const x = (i + 0.5) / 24;
      const y = (j + 0.5) / 20;
      return Math.sin(2 * Math.PI * x) * Math.cos(Math.PI * y) + 0.5 * x;
    });
    const estimate = field(24, 20, (i, j) => {
      const x = (i + 0.5) / 24;
      const y = (j + 0.5) / 20;
      return truth[j * 24 + i] + 0.3 * Math.cos(3 * Math.PI * x * y) - 0.1;
    });
    expect(ssim(estimate, truth, g)).toBeCloseTo(0.338556306201417, 12);
  });

  it('rejects grids smaller than the window and constant truths', () => {
    expect(() => ssim(new Float64Array(100), new Float64Array(100), { nx: 10, ny: 10 })).toThrow(
      'ssim: grid 10x10 is smaller than the 11x11 window',
    );
    expect(() => ssim(ramp, new Float64Array(ramp.length), grid)).toThrow('ssim: dynamic range must be > 0, got 0');
  });

  it('leaves out windows that hold an inactive cell; NaN when no window is wholly active', () => {
    // The estimate differs from the ramp only in an inactive column: every window that sees the
    // difference holds that column, so the score over the rest is exactly 1 (0.98 without the mask).
    const active = field(24, 16, (i) => (i === 12 ? 0 : 1));
    const estimate = ramp.map((v, c) => (c % 24 === 12 ? v + 5 : v));
    expect(ssim(estimate, ramp, grid)).toBeLessThan(0.99);
    expect(ssim(estimate, ramp, grid, { active })).toBeCloseTo(1, 14);
    const strip = field(24, 16, (i) => (i < 6 ? 1 : 0));
    expect(ssim(ramp, ramp, grid, { active: strip })).toBeNaN();
  });
});
