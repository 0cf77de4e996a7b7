import { describe, expect, it } from 'vitest';
import { createRng } from '@ldinv/tensor';
import { covarianceFunction } from './covariance.ts';
import { fieldSpec } from './field-spec.ts';
import { gaussianWhitening } from './gaussian-whitening.ts';
import type { GaussianFieldSpec } from './field-spec.ts';

const grid = { nx: 16, ny: 12 };
const spec = fieldSpec('gaussian', { kernel: 'matern32', lx: 0.3, ly: 0.15, rotation: 30, variance: 2, mean: -1 }) as GaussianFieldSpec;

describe('gaussianWhitening', () => {
  const w = gaussianWhitening(spec, grid);
  const cells = grid.nx * grid.ny;

  it('maps gradients by the exact transpose (dot-product test)', () => {
    const rng = createRng(3);
    const xi = Float64Array.from({ length: w.dimension }, () => rng.normal());
    const g = Float64Array.from({ length: cells }, () => rng.normal());
    const axi = w.toLogK(xi, new Float64Array(cells)).map((v) => v - spec.mean);
    const atg = w.gradientToWhite(g, new Float64Array(w.dimension));
    const lhs = g.reduce((a, v, c) => a + v * axi[c], 0);
    const rhs = xi.reduce((a, v, k) => a + v * atg[k], 0);
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-10 * Math.abs(lhs));
  });

  it('has A Aᵀ equal to the covariance on the grid, and the mean at ξ = 0', () => {
    const C = covarianceFunction(spec);
    const column = (c: number) => {
      const e = new Float64Array(cells);
      e[c] = 1;
      const ae = w.toLogK(w.gradientToWhite(e, new Float64Array(w.dimension)), new Float64Array(cells));
      return ae.map((v) => v - spec.mean);
    };
    for (const c of [0, 37, cells - 1]) {
      const col = column(c);
      const [ic, jc] = [c % grid.nx, Math.floor(c / grid.nx)];
      for (let d = 0; d < cells; d++) {
        const expected = C((d % grid.nx - ic) / grid.nx, (Math.floor(d / grid.nx) - jc) / grid.ny);
        expect(Math.abs(col[d] - expected)).toBeLessThan(1e-4 * spec.variance);
      }
    }
    expect(w.toLogK(new Float64Array(w.dimension), new Float64Array(cells)).every((v) => v === spec.mean)).toBe(true);
  });

  it('rejects noise of the wrong length', () => {
    expect(() => w.toLogK(new Float64Array(3), new Float64Array(cells))).toThrow(/noise must hold \d+ values, got 3/);
  });
});
