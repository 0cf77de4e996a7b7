// The Darcy problem of DESIGN.md: -div(K grad h) = f on the unit square, cell-centred grid,
// one of two boundary setups, and pumping tests (sets of point wells) that share one K.

export type BoundarySetup = 'flow' | 'source';

/** Unit square, dx = 1/nx, dy = 1/ny; arrays are row-major [ny, nx], row j from y = 0. */
export interface Grid {
  nx: number;
  ny: number;
}

/** Point rate q (volume per time, > 0 injects) added to the cell that holds (x, y). */
export interface Well {
  x: number;
  y: number;
  rate: number;
}

/** tests[t] = the wells of pumping test t ([] = no wells). All tests share one K and one factorisation. */
export interface DarcyProblem {
  grid: Grid;
  bc: BoundarySetup;
  tests: Well[][];
}

export const BOUNDARY_SETUPS: readonly BoundarySetup[] = ['flow', 'source'];

export function validateGrid(grid: Grid, what = 'grid'): void {
  const { nx, ny } = grid;
  if (!Number.isInteger(nx) || !Number.isInteger(ny) || nx < 2 || ny < 2) {
    throw new Error(`${what}: nx and ny must be integers >= 2, got ${nx} x ${ny}`);
  }
}

/** Index j * nx + i of the cell holding (x, y); the top and right edges belong to the last cell. */
export function cellOf(grid: Grid, x: number, y: number): number {
  const i = Math.min(Math.floor(x * grid.nx), grid.nx - 1);
  const j = Math.min(Math.floor(y * grid.ny), grid.ny - 1);
  return j * grid.nx + i;
}

export function validateWell(well: Well, where: string): void {
  for (const key of ['x', 'y'] as const) {
    const v = well[key];
    if (!Number.isFinite(v) || v < 0 || v > 1) throw new Error(`${where}: ${key} must be in [0, 1], got ${v}`);
  }
  if (!Number.isFinite(well.rate)) throw new Error(`${where}: rate must be finite, got ${well.rate}`);
}

export function validateProblem(problem: DarcyProblem): void {
  validateGrid(problem.grid);
  if (!BOUNDARY_SETUPS.includes(problem.bc)) {
    throw new Error(`bc must be one of ${BOUNDARY_SETUPS.join(', ')}, got ${JSON.stringify(problem.bc)}`);
  }
  if (!Array.isArray(problem.tests) || problem.tests.length === 0) {
    throw new Error('tests must hold at least one pumping test ([[]] = one test without wells)');
  }
  problem.tests.forEach((wells, t) => wells.forEach((w, k) => validateWell(w, `test ${t} well ${k}`)));
}

/** Checks ln K: ny * nx finite values whose exp is a finite positive float64. */
export function validateLogK(grid: Grid, logK: ArrayLike<number>, what = 'logK'): void {
  const n = grid.nx * grid.ny;
  if (logK.length !== n) {
    throw new Error(`${what} must hold ny * nx = ${grid.ny} * ${grid.nx} = ${n} values, got ${logK.length}`);
  }
  for (let c = 0; c < n; c++) {
    const v = logK[c];
    // exp overflows above ~709.78 and underflows to 0 below ~-745.
    if (!(v > -700 && v < 700)) {
      const at = `[${Math.floor(c / grid.nx)}, ${c % grid.nx}]`;
      throw new Error(`${what}${at} must be finite with |ln K| < 700, got ${v}`);
    }
  }
}
