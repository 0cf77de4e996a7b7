// Test fixture (not exported from the lib): small synthetic inversion problems with known truth.
import { solveHeads, type DarcyProblem, type Grid } from '@ldinv/solver';
import type { Observation } from '@ldinv/fields';
import { buildInversionProblem, type InversionProblem } from './problem.ts';

/** Field f(x, y) at the cell centres of the grid, row-major [ny, nx]. */
export function cellField(grid: Grid, f: (x: number, y: number) => number): Float64Array {
  const out = new Float64Array(grid.nx * grid.ny);
  for (let j = 0; j < grid.ny; j++) {
    for (let i = 0; i < grid.nx; i++) out[j * grid.nx + i] = f((i + 0.5) / grid.nx, (j + 0.5) / grid.ny);
  }
  return out;
}

/** Source setup (f = 1, h = 0 on the boundary) with a test without wells and three single-well tests. */
export function tomographyProblem(grid: Grid): DarcyProblem {
  return {
    grid,
    bc: 'source',
    tests: [
      [],
      [{ x: 0.3, y: 0.3, rate: 2 }],
      [{ x: 0.7, y: 0.65, rate: 2 }],
      [{ x: 0.3, y: 0.7, rate: -0.5 }],
    ],
  };
}

/**
 * Heads of `truth` observed at the given points in every test, with σ = sigma and noise
 * noise[i] · σ added to datum i (no noise when omitted).
 */
export function syntheticProblem(
  darcy: DarcyProblem, truth: ArrayLike<number>, points: { x: number; y: number }[], sigma: number, noise?: ArrayLike<number>,
): { problem: InversionProblem; heads: Float64Array[] } {
  const heads = solveHeads(darcy, truth);
  const probe = buildInversionProblem(
    darcy,
    darcy.tests.flatMap((_, test) => points.map((p) => ({ ...p, head: 0, sigma, test }))),
  );
  const rows: Observation[] = [];
  probe.observations.forEach((o, test) => {
    const values = o.operator.apply(heads[test]);
    points.forEach((p, i) => rows.push({ ...p, head: values[i] + (noise ? noise[rows.length] * sigma : 0), sigma, test }));
  });
  return { problem: buildInversionProblem(darcy, rows), heads };
}

/** Every cell centre of the grid. */
export function cellCentres(grid: Grid): { x: number; y: number }[] {
  const out: { x: number; y: number }[] = [];
  for (let j = 0; j < grid.ny; j++) for (let i = 0; i < grid.nx; i++) out.push({ x: (i + 0.5) / grid.nx, y: (j + 0.5) / grid.ny });
  return out;
}
