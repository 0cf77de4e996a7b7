// A problem resolved to what assembly reads (docs/DESIGN.md "The discretisation"): the state of every cell
// (inactive, unknown, fixed head), conductance factors of faces, side-head faces, K-independent
// sources, and the cells of the wells. Built and checked once per problem object, then cached.
import {
  cellIndicesOf, siteOf, SIDES,
  type DarcyProblem, type Side, type SideCondition, type Site,
} from './problem.ts';

/** What a cell is: not part of the aquifer, an unknown head, or a prescribed head. */
export const CELL_STATE = { inactive: 0, unknown: 1, fixed: 2 } as const;
const { inactive: INACTIVE, unknown: UNKNOWN, fixed: FIXED } = CELL_STATE;

export interface Discretisation {
  nx: number;
  ny: number;
  dx: number;
  dy: number;
  /** INACTIVE, UNKNOWN or FIXED per cell. */
  state: Uint8Array;
  /** Prescribed head of FIXED cells (0 elsewhere). */
  fixedHead: Float64Array;
  /** Conductance of a face is factor x 2 / (1/K1 + 1/K2): b dy / dx for x-faces, b dx / dy for y-faces. */
  xFactor: number;
  yFactor: number;
  /** Side-head faces of unknown cells: conductance C_b = factor x K_c, boundary head and side. */
  headFaces: { cell: Int32Array; factor: Float64Array; head: Float64Array; side: Uint8Array };
  /** Per cell: R dx dy (unknown cells only). */
  recharge: Float64Array;
  /** Per cell: side inflow q w summed over its flux faces (unknown cells only). */
  sideFlux: Float64Array;
  /** wellCells[t][k]: cell of well k of test t. */
  wellCells: Int32Array[];
  /** True when every cell is UNKNOWN (assembly takes its short path). */
  allUnknown: boolean;
}

const cache = new WeakMap<DarcyProblem, Discretisation>();

/** The discretisation of a problem, built once per problem object; throws one-line errors naming the item. */
export function discretise(problem: DarcyProblem): Discretisation {
  let d = cache.get(problem);
  if (!d) {
    d = build(problem);
    cache.set(problem, d);
  }
  return d;
}

function at(nx: number, c: number): string {
  return `(i=${c % nx}, j=${Math.floor(c / nx)})`;
}

function checkCells(a: ArrayLike<number>, nx: number, n: number, what: string, allowNaN: boolean): void {
  if (a.length !== n) throw new Error(`${what} must hold ny * nx = ${n} values, got ${a.length}`);
  for (let c = 0; c < n; c++) {
    const v = a[c];
    if (!Number.isFinite(v) && !(allowNaN && Number.isNaN(v))) {
      throw new Error(`${what}: cell ${at(nx, c)} must be ${allowNaN ? 'finite or NaN' : 'finite'}, got ${v}`);
    }
  }
}

function sideHeads(condition: SideCondition, count: number, side: Side): Float64Array | null {
  if (condition.type !== 'head') return null;
  if ('values' in condition) {
    if (condition.values.length !== count) {
      throw new Error(`boundaries.${side}.values must hold ${count} numbers (one per boundary cell), got ${condition.values.length}`);
    }
    const values = Float64Array.from(condition.values);
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new Error(`boundaries.${side}.values[${bad}] must be finite, got ${values[bad]}`);
    return values;
  }
  if (!Number.isFinite(condition.value)) throw new Error(`boundaries.${side}.value must be finite, got ${condition.value}`);
  return new Float64Array(count).fill(condition.value);
}

function build(problem: DarcyProblem): Discretisation {
  // Callers validate the problem first (validateProblem); the factorisation tests also build 1-wide grids.
  const site: Site = siteOf(problem);
  const { nx, ny } = problem.grid;
  const n = nx * ny;
  const { domain } = site;
  for (const key of ['x0', 'y0', 'lx', 'ly'] as const) {
    if (!Number.isFinite(domain[key])) throw new Error(`domain.${key} must be finite, got ${domain[key]}`);
  }
  if (!(domain.lx > 0 && domain.ly > 0)) throw new Error(`domain: lx and ly must be > 0, got ${domain.lx} x ${domain.ly}`);
  if (!(Number.isFinite(site.thickness) && site.thickness > 0)) throw new Error(`thickness must be finite and > 0, got ${site.thickness}`);
  const dx = domain.lx / nx;
  const dy = domain.ly / ny;
  const b = site.thickness;

  const state = new Uint8Array(n).fill(UNKNOWN);
  if (site.active) {
    checkCells(site.active, nx, n, 'active', false);
    for (let c = 0; c < n; c++) if (site.active[c] === 0) state[c] = INACTIVE;
  }
  const fixedHead = new Float64Array(n);
  if (site.fixedHeads) {
    checkCells(site.fixedHeads, nx, n, 'fixedHeads', true);
    for (let c = 0; c < n; c++) {
      const v = site.fixedHeads[c];
      if (Number.isNaN(v)) continue;
      if (state[c] === INACTIVE) throw new Error(`fixedHeads: cell ${at(nx, c)} has a fixed head but is inactive`);
      state[c] = FIXED;
      fixedHead[c] = v;
    }
  }

  // Side conditions act on the outer faces of unknown cells only (a fixed cell's head is given).
  const faceCell: number[] = [];
  const faceFactor: number[] = [];
  const faceHead: number[] = [];
  const faceSide: number[] = [];
  const sideFlux = new Float64Array(n);
  SIDES.forEach((side, s) => {
    const condition = site.sides[side] ?? { type: 'no-flow' };
    if (!['no-flow', 'head', 'flux'].includes(condition.type)) {
      throw new Error(`boundaries.${side}.type must be one of no-flow, head, flux, got ${JSON.stringify(condition.type)}`);
    }
    const alongX = side === 'south' || side === 'north';
    const count = alongX ? nx : ny;
    const cellAt = (k: number) => (side === 'west' ? k * nx : side === 'east' ? k * nx + nx - 1 : side === 'south' ? k : (ny - 1) * nx + k);
    const width = alongX ? dx : dy;
    const distance = alongX ? dy : dx;
    const heads = sideHeads(condition, count, side);
    if (condition.type === 'flux' && !Number.isFinite(condition.value)) {
      throw new Error(`boundaries.${side}.value must be finite, got ${condition.value}`);
    }
    for (let k = 0; k < count; k++) {
      const c = cellAt(k);
      if (state[c] !== UNKNOWN) continue;
      if (heads) {
        faceCell.push(c);
        faceFactor.push((b * width * 2) / distance);
        faceHead.push(heads[k]);
        faceSide.push(s);
      } else if (condition.type === 'flux') {
        sideFlux[c] += condition.value * width;
      }
    }
  });

  const recharge = new Float64Array(n);
  const r = site.recharge ?? 0;
  if (typeof r === 'number') {
    if (!Number.isFinite(r)) throw new Error(`recharge must be finite, got ${r}`);
  } else {
    checkCells(r, nx, n, 'recharge', false);
  }
  for (let c = 0; c < n; c++) if (state[c] === UNKNOWN) recharge[c] = (typeof r === 'number' ? r : r[c]) * dx * dy;

  const wellCells = problem.tests.map((wells, t) =>
    Int32Array.from(wells, (w, k) => {
      const ij = cellIndicesOf(problem.grid, domain, w.x, w.y);
      const where = `tests[${t}].wells[${k}] (${w.x}, ${w.y})`;
      if (!ij) throw new Error(`${where} is outside the domain`);
      const c = ij.j * nx + ij.i;
      if (state[c] === INACTIVE) throw new Error(`${where} is in inactive cell ${at(nx, c)}`);
      if (state[c] === FIXED) throw new Error(`${where} is in fixed-head cell ${at(nx, c)}`);
      return c;
    }),
  );

  const d: Discretisation = {
    nx, ny, dx, dy, state, fixedHead,
    xFactor: (b * dy) / dx,
    yFactor: (b * dx) / dy,
    headFaces: {
      cell: Int32Array.from(faceCell), factor: Float64Array.from(faceFactor),
      head: Float64Array.from(faceHead), side: Uint8Array.from(faceSide),
    },
    recharge, sideFlux, wellCells,
    allUnknown: state.every((s) => s === UNKNOWN),
  };
  checkHeadDefined(d);
  return d;
}

/** Every connected active region needs a head condition (a side head or a fixed-head cell), else its
 *  heads are defined only up to a constant and the matrix is singular. */
function checkHeadDefined(d: Discretisation): void {
  const { nx, ny, state } = d;
  const anchored = new Uint8Array(nx * ny);
  for (const c of d.headFaces.cell) anchored[c] = 1;
  const seen = new Uint8Array(nx * ny);
  const stack: number[] = [];
  for (let start = 0; start < nx * ny; start++) {
    if (state[start] === INACTIVE || seen[start]) continue;
    let ok = false;
    let size = 0;
    seen[start] = 1;
    stack.push(start);
    while (stack.length > 0) {
      const c = stack.pop()!;
      size++;
      if (anchored[c] || state[c] === FIXED) ok = true;
      const i = c % nx;
      const j = (c - i) / nx;
      for (const nb of [i > 0 ? c - 1 : -1, i < nx - 1 ? c + 1 : -1, j > 0 ? c - nx : -1, j < ny - 1 ? c + nx : -1]) {
        if (nb >= 0 && state[nb] !== INACTIVE && !seen[nb]) {
          seen[nb] = 1;
          stack.push(nb);
        }
      }
    }
    if (!ok) {
      throw new Error(
        `the active region holding cell ${at(nx, start)} (${size} cells) has no head condition ` +
          '(a side head or a fixed-head cell): its heads are defined only up to a constant',
      );
    }
  }
}
