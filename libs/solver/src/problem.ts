// The Darcy problem: -div(K grad h) = f on a rectangle of cells, and pumping tests (sets of point
// wells) that share one K. A problem is either a unit-square boundary preset (`ldinv-case/1`) or a
// site's own conditions (`ldinv-case/2`, docs/DESIGN.md "Site cases"); the solver sees both as a site.

export type BoundarySetup = 'flow' | 'source';

/** Cells ny x nx; arrays are row-major [ny, nx], row j from the domain's bottom (y = y0). */
export interface Grid {
  nx: number;
  ny: number;
}

/** Point rate q (volume per time, > 0 injects, as MODFLOW WEL) added to the cell that holds (x, y). */
export interface Well {
  x: number;
  y: number;
  rate: number;
}

/** The domain rectangle in site coordinates; cells are dx = lx / nx by dy = ly / ny. */
export interface Domain {
  x0: number;
  y0: number;
  lx: number;
  ly: number;
}

export const SIDES = ['west', 'east', 'south', 'north'] as const;
export type Side = (typeof SIDES)[number];

/** A condition on one side of the domain's outer edge (the field names of `ldinv-case/2`). `head`
 *  takes one `value` or `values` one per boundary cell (west/east south to north, south/north west
 *  to east); `flux` is inflow per unit side length per time. */
export type SideCondition =
  | { type: 'no-flow' }
  | { type: 'head'; value: number }
  | { type: 'head'; values: ArrayLike<number> }
  | { type: 'flux'; value: number };

/** A site's conditions: everything but K and the wells. Arrays are [ny * nx], row-major. */
export interface Site {
  domain: Domain;
  /** Aquifer thickness b: transmissivity T = K b. */
  thickness: number;
  /** Nonzero = active; absent = all active. */
  active?: ArrayLike<number>;
  /** A side left out is no-flow. */
  sides: Partial<Record<Side, SideCondition>>;
  /** Prescribed head where finite, NaN elsewhere (MODFLOW CHD). */
  fixedHeads?: ArrayLike<number>;
  /** Recharge per unit area per time (> 0 into the aquifer): one number or one per cell. */
  recharge?: number | ArrayLike<number>;
}

/** tests[t] = the wells of pumping test t ([] = no wells). All tests share one K and one factorisation. */
export interface DarcyProblem {
  grid: Grid;
  /** A unit-square preset, or a site's own conditions. */
  bc: BoundarySetup | Site;
  tests: Well[][];
}

export const BOUNDARY_SETUPS: readonly BoundarySetup[] = ['flow', 'source'];

export const UNIT_SQUARE: Domain = { x0: 0, y0: 0, lx: 1, ly: 1 };

/** The site a preset stands for: the unit square, b = 1; `flow` = west head 1, east head 0,
 *  south and north no-flow; `source` = head 0 on all four sides and recharge 1. */
export function presetSite(bc: BoundarySetup): Site {
  if (bc === 'flow') {
    return { domain: UNIT_SQUARE, thickness: 1, sides: { west: { type: 'head', value: 1 }, east: { type: 'head', value: 0 } } };
  }
  const zero = { type: 'head', value: 0 } as const;
  return { domain: UNIT_SQUARE, thickness: 1, sides: { west: zero, east: zero, south: zero, north: zero }, recharge: 1 };
}

export function siteOf(problem: DarcyProblem): Site {
  return typeof problem.bc === 'string' ? presetSite(problem.bc) : problem.bc;
}

function domainOf(problem: DarcyProblem): Domain {
  return typeof problem.bc === 'string' ? UNIT_SQUARE : problem.bc.domain;
}

export function validateGrid(grid: Grid, what = 'grid'): void {
  const { nx, ny } = grid;
  if (!Number.isInteger(nx) || !Number.isInteger(ny) || nx < 2 || ny < 2) {
    throw new Error(`${what}: nx and ny must be integers >= 2, got ${nx} x ${ny}`);
  }
}

/** Relative slack for points on the domain's edge written with rounding (x0 + lx need not round back). */
const EDGE_SLACK = 1e-12;

/** (x, y) as fractions of the domain's sides, in [0, 1]; null outside the domain. */
function domainFraction(domain: Domain, x: number, y: number): { u: number; v: number } | null {
  const u = (x - domain.x0) / domain.lx;
  const v = (y - domain.y0) / domain.ly;
  const inside = (t: number) => t >= -EDGE_SLACK && t <= 1 + EDGE_SLACK;
  if (!(inside(u) && inside(v))) return null;
  return { u: Math.min(Math.max(u, 0), 1), v: Math.min(Math.max(v, 0), 1) };
}

/** Column i and row j of the cell holding (x, y) in domain coordinates, or null outside the domain;
 *  a point on the top or right edge belongs to the last cell. */
export function cellIndicesOf(grid: Grid, domain: Domain, x: number, y: number): { i: number; j: number } | null {
  const f = domainFraction(domain, x, y);
  if (!f) return null;
  return { i: Math.min(Math.floor(f.u * grid.nx), grid.nx - 1), j: Math.min(Math.floor(f.v * grid.ny), grid.ny - 1) };
}

export function validateWell(well: Well, where: string, domain: Domain = UNIT_SQUARE): void {
  const range = { x: [domain.x0, domain.x0 + domain.lx], y: [domain.y0, domain.y0 + domain.ly] };
  for (const key of ['x', 'y'] as const) {
    const v = well[key];
    const [lo, hi] = range[key];
    const f = Number.isFinite(v) ? domainFraction(domain, key === 'x' ? v : domain.x0, key === 'y' ? v : domain.y0) : null;
    if (!f) throw new Error(`${where}: ${key} must be in [${lo}, ${hi}], got ${v}`);
  }
  if (!Number.isFinite(well.rate)) throw new Error(`${where}: rate must be finite, got ${well.rate}`);
}

/** Checks what can be checked without the discretisation (see discretisation.ts for the rest). */
export function validateProblem(problem: DarcyProblem): void {
  validateGrid(problem.grid);
  if (typeof problem.bc === 'string' && !BOUNDARY_SETUPS.includes(problem.bc)) {
    throw new Error(`bc must be one of ${BOUNDARY_SETUPS.join(', ')}, got ${JSON.stringify(problem.bc)}`);
  }
  if (typeof problem.bc !== 'string' && (problem.bc === null || typeof problem.bc !== 'object')) {
    throw new Error(`bc must be one of ${BOUNDARY_SETUPS.join(', ')} or a site, got ${JSON.stringify(problem.bc)}`);
  }
  if (!Array.isArray(problem.tests) || problem.tests.length === 0) {
    throw new Error('tests must hold at least one pumping test ([[]] = one test without wells)');
  }
  const domain = domainOf(problem);
  problem.tests.forEach((wells, t) => wells.forEach((w, k) => validateWell(w, `test ${t} well ${k}`, domain)));
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
