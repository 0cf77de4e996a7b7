// Test fixture (not exported from the lib): small synthetic inversion problems with known truth.
import { solveHeads, type DarcyProblem, type Grid, type Site } from '@ldinv/solver';
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

/** A 12 x 8 site of 1200 m x 400 m (cells 100 m x 50 m, α = 9): inflow on the west, fixed heads in the
 *  east column, a head side on the north, a 2 x 2 inactive block, recharge; an ambient and a pumping test,
 *  observed at every active cell centre. */
export function smallSite(): { darcy: DarcyProblem; truth: Float64Array; sensors: { x: number; y: number }[] } {
  const grid = { nx: 12, ny: 8 };
  const active = new Float64Array(96).fill(1);
  for (const c of [3 * 12 + 5, 3 * 12 + 6, 4 * 12 + 5, 4 * 12 + 6]) active[c] = 0;
  const fixedHeads = new Float64Array(96).fill(NaN);
  for (let j = 0; j < 8; j++) fixedHeads[j * 12 + 11] = 20 + 0.1 * j;
  const site: Site = {
    domain: { x0: 1000, y0: 2000, lx: 1200, ly: 400 }, thickness: 10, active, fixedHeads, recharge: 1e-3,
    sides: { west: { type: 'flux', value: 0.5 }, north: { type: 'head', value: 21 } },
  };
  const darcy: DarcyProblem = { grid, bc: site, tests: [[], [{ x: 1350, y: 2180, rate: -40 }]] };
  const truth = cellField(grid, (x, y) => Math.log(5) + 0.4 * Math.sin(2 * Math.PI * x) * Math.cos(Math.PI * y));
  const sensors: { x: number; y: number }[] = [];
  for (let j = 0; j < 8; j++) {
    for (let i = 0; i < 12; i++) {
      const [x, y] = [1000 + (i + 0.5) * 100, 2000 + (j + 0.5) * 50];
      // Cell centres whose interpolation stencil (the centre's own cell) is active.
      if (active[j * 12 + i] && i > 0 && j > 0 && i < 11 && j < 7 && ![4, 7].includes(i) && ![2, 5].includes(j)) sensors.push({ x, y });
    }
  }
  return { darcy, truth, sensors };
}
