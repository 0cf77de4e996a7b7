import { taylorTest } from '@ldinv/tensor';
import { describe, expect, it } from 'vitest';
import { smoothnessPenalty } from './smoothness.ts';

function field(nx: number, ny: number, f: (x: number, y: number) => number): Float64Array {
  const out = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) out[j * nx + i] = f((i + 0.5) / nx, (j + 0.5) / ny);
  return out;
}

describe('smoothnessPenalty', () => {
  it('is 0 for a constant field', () => {
    expect(smoothnessPenalty(new Float64Array(12).fill(3), { nx: 4, ny: 3 })).toBe(0);
  });

  it('is ½ (a²(1 − dx) + b²(1 − dy)) for Y = a x + b y on a non-square grid', () => {
    // Y = a x + b y on a 16x8 grid: each x-face difference is a dx, there are (nx−1) ny of them,
    // each weighted dy/dx: ½ a² dx dy (nx−1) ny = ½ a² (1 − 1/nx); likewise ½ b² (1 − 1/ny).
    const a = 2;
    const b = -3;
    const R = smoothnessPenalty(field(16, 8, (x, y) => a * x + b * y), { nx: 16, ny: 8 });
    expect(R).toBeCloseTo(0.5 * a * a * (1 - 1 / 16) + 0.5 * b * b * (1 - 1 / 8), 12);
  });

  it('converges to ½ ∫|∇Y|² = π²/4 for Y = sin(πx) sin(πy) under refinement', () => {
    const exact = (Math.PI * Math.PI) / 4;
    const err = (n: number) =>
      Math.abs(smoothnessPenalty(field(n, n, (x, y) => Math.sin(Math.PI * x) * Math.sin(Math.PI * y)), { nx: n, ny: n }) - exact);
    expect(err(64)).toBeLessThan(0.05 * exact);
    expect(err(32) / err(64)).toBeGreaterThan(1.8); // first order: the boundary half-cells are left out
  });

  it('has a gradient that passes the Taylor test (min rate > 1.9)', () => {
    const grid = { nx: 7, ny: 5 };
    const m = field(7, 5, (x, y) => Math.cos(3 * x) + x * y * y);
    const direction = field(7, 5, (x, y) => Math.sin(5 * x + 2 * y));
    const J = (p: Float64Array) => {
      const gradient = new Float64Array(35);
      return { value: smoothnessPenalty(p, grid, gradient), gradient };
    };
    // R is quadratic, so the remainder is exactly ε² R(δ): rates are 2 to rounding.
    const { rates } = taylorTest(J, m, direction);
    expect(Math.min(...rates)).toBeGreaterThan(1.9);
  });
});
