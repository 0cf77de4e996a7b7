import { describe, expect, it } from 'vitest';
import { assembleRhs, assembleValues } from './assembly.ts';
import { discretise } from './discretisation.ts';
import { fourierField } from './fourier-field.ts';
import { CholeskyFactor } from './multifrontal.ts';
import { buildFrontalPlan, frontalPlan, valueLayout } from './nested-dissection.ts';
import type { BoundarySetup, DarcyProblem } from './problem.ts';

/** y = A x from the value layout (diagonal, x-faces, y-faces). */
function matvec(nx: number, ny: number, v: Float64Array, x: Float64Array): Float64Array {
  const { xFace0, yFace0 } = valueLayout(nx, ny);
  const y = new Float64Array(nx * ny);
  for (let c = 0; c < nx * ny; c++) y[c] = v[c] * x[c];
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const c = j * nx + i;
      if (i < nx - 1) {
        const t = v[xFace0 + j * (nx - 1) + i];
        y[c] += t * x[c + 1];
        y[c + 1] += t * x[c];
      }
      if (j < ny - 1) {
        const t = v[yFace0 + j * nx + i];
        y[c] += t * x[c + nx];
        y[c + nx] += t * x[c];
      }
    }
  }
  return y;
}

function system(nx: number, ny: number, bc: BoundarySetup, seed: number, sigma: number) {
  const K = fourierField({ nx, ny }, { seed, sigma }).map(Math.exp);
  const problem: DarcyProblem = { grid: { nx, ny }, bc, tests: [[{ x: 0.3, y: 0.6, rate: 2 }]] };
  const d = discretise(problem);
  const values = assembleValues(d, K);
  const b = assembleRhs(problem, d, K, 0);
  return { K, values, b };
}

/** Normwise backward error |Ax - b| / (|A| |x| + |b|) in the max norm. */
function backwardError(nx: number, ny: number, values: Float64Array, x: Float64Array, b: Float64Array): number {
  const r = matvec(nx, ny, values, x);
  let res = 0;
  let ax = 0;
  for (let c = 0; c < r.length; c++) {
    res = Math.max(res, Math.abs(r[c] - b[c]));
    ax = Math.max(ax, 2 * Math.abs(values[c]) * Math.abs(x[c]) + Math.abs(b[c]));
  }
  return res / ax;
}

describe('nested-dissection plan', () => {
  it('orders every cell once and keeps the update stack balanced', () => {
    for (const [nx, ny] of [[8, 8], [13, 5], [1, 40], [64, 33]]) {
      const p = buildFrontalPlan(nx, ny);
      expect([...p.perm].sort((a, b) => a - b)).toEqual([...Array(nx * ny).keys()]);
      for (let c = 0; c < p.n; c++) expect(p.cellAt[p.perm[c]]).toBe(c);
      expect(p.childCount.reduce((a, b) => a + b, 0)).toBe(p.nodeCount - 1);
    }
  });

  it('caches the plan per grid shape', () => {
    expect(frontalPlan(24, 17)).toBe(frontalPlan(24, 17));
  });
});

describe('multifrontal Cholesky', () => {
  it.each([
    [2, 2], [3, 7], [8, 8], [13, 5], [1, 50], [50, 1], [37, 64], [128, 96],
  ])('solves %i x %i to round-off (backward error < 1e-14)', (nx, ny) => {
    for (const bc of ['flow', 'source'] as const) {
      const { values, b } = system(nx, ny, bc, nx * 100 + ny, 2);
      const [x] = new CholeskyFactor(frontalPlan(nx, ny), values).solve([b]);
      expect(backwardError(nx, ny, values, x, b)).toBeLessThan(1e-14);
    }
  });

  it('keeps each factor valid while others are computed (retained copy or refactorisation)', () => {
    const s1 = system(24, 20, 'flow', 1, 2);
    const s2 = system(24, 20, 'flow', 2, 2);
    const s3 = system(10, 30, 'source', 3, 2);
    const plan = frontalPlan(24, 20);
    const f1 = new CholeskyFactor(plan, s1.values, { retain: true });
    const f2 = new CholeskyFactor(plan, s2.values);
    const f3 = new CholeskyFactor(frontalPlan(10, 30), s3.values);
    for (const [f, s, nx, ny] of [[f1, s1, 24, 20], [f3, s3, 10, 30], [f2, s2, 24, 20], [f1, s1, 24, 20]] as const) {
      const [x] = f.solve([s.b]);
      expect(backwardError(nx, ny, s.values, x, s.b)).toBeLessThan(1e-14);
    }
  });

  it('reports a matrix that is not positive definite', () => {
    const { values } = system(8, 8, 'source', 4, 1);
    values[10] = -1;
    expect(() => new CholeskyFactor(frontalPlan(8, 8), values)).toThrow(/not positive definite/);
  });
});
