// Block-centred finite volumes (docs/DESIGN.md, "The discretisation"; MODFLOW 6 for a confined layer with
// harmonic-mean conductance): per unknown cell c,
//   Σ C (h_c − h_nb) + Σ C_b (h_c − h_b) = R dx dy + Σ q + Σ q_side w,
// C = factor · 2 / (1/K1 + 1/K2) between active cells, C_b = factor_b · K_c on side-head faces.
// Inactive and fixed-head cells keep an identity row (h = 0, h = prescribed), so every problem of a
// grid shares one sparsity pattern and one symbolic factorisation; the couplings of an unknown cell
// to a fixed one go to its diagonal and right-hand side, which keeps the matrix symmetric.
// Also the adjoint of that map (dJ/dlnK from the state h and the adjoint state λ), and the budget.
import { CELL_STATE, discretise, type Discretisation } from './discretisation.ts';
import { valueLayout } from './nested-dissection.ts';
import type { DarcyProblem } from './problem.ts';

// Module-local copies: V8 inlines these in the hot loops, where reading the imported bindings cost
// 3x in the gradient loop (measured).
const { inactive: INACTIVE, unknown: UNKNOWN, fixed: FIXED } = CELL_STATE;

/**
 * True when no test has a source (no recharge, side inflow or pumping): every head is then a ratio
 * of conductances, unchanged when K is scaled, so heads do not fix the level (mean) of ln K.
 */
export function logKLevelFree(problem: DarcyProblem): boolean {
  const d = discretise(problem);
  return d.recharge.every((v) => v === 0) && d.sideFlux.every((v) => v === 0) &&
    problem.tests.every((wells) => wells.every((w) => w.rate === 0));
}

/** Harmonic-mean conductance; written 2 / (1/Ka + 1/Kb) so that contrasts near the float64 range
 *  do not overflow the product Ka Kb. */
function conductance(factor: number, ka: number, kb: number): number {
  return (2 * factor) / (1 / ka + 1 / kb);
}

/** Visits every face between two active cells (the budget and fixed-head couplings; not hot): (a, b, factor), b the east or north neighbour. */
function forEachActiveFace(d: Discretisation, visit: (a: number, b: number, factor: number) => void): void {
  const { nx, ny, state, xFactor, yFactor } = d;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const c = j * nx + i;
      if (state[c] === INACTIVE) continue;
      if (i < nx - 1 && state[c + 1] !== INACTIVE) visit(c, c + 1, xFactor);
      if (j < ny - 1 && state[c + nx] !== INACTIVE) visit(c, c + nx, yFactor);
    }
  }
}

/** Matrix values in the layout of valueLayout: diagonal of every cell, then −C of every x-face and y-face.
 *  Written as plain loops (no per-face callback): this runs once per member-iteration. */
export function assembleValues(d: Discretisation, K: Float64Array): Float64Array {
  const { nx, ny, state, xFactor, yFactor } = d;
  const { xFace0, yFace0, size } = valueLayout(nx, ny);
  const v = new Float64Array(size);
  for (let c = 0; c < nx * ny; c++) if (state[c] !== UNKNOWN) v[c] = 1;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const c = j * nx + i;
      const sc = state[c];
      if (sc === INACTIVE) continue;
      const k = K[c];
      if (i < nx - 1 && state[c + 1] !== INACTIVE) {
        const t = (2 * xFactor) / (1 / k + 1 / K[c + 1]);
        const sb = state[c + 1];
        if (sc === UNKNOWN && sb === UNKNOWN) v[xFace0 + j * (nx - 1) + i] = -t;
        if (sc === UNKNOWN) v[c] += t;
        if (sb === UNKNOWN) v[c + 1] += t;
      }
      if (j < ny - 1 && state[c + nx] !== INACTIVE) {
        const t = (2 * yFactor) / (1 / k + 1 / K[c + nx]);
        const sb = state[c + nx];
        if (sc === UNKNOWN && sb === UNKNOWN) v[yFace0 + j * nx + i] = -t;
        if (sc === UNKNOWN) v[c] += t;
        if (sb === UNKNOWN) v[c + nx] += t;
      }
    }
  }
  const { cell, factor } = d.headFaces;
  for (let k = 0; k < cell.length; k++) v[cell[k]] += factor[k] * K[cell[k]];
  return v;
}

/** Right-hand side of test t. `source` (per unit area) replaces the recharge of unknown cells
 *  (manufactured-solution tests). */
export function assembleRhs(
  problem: DarcyProblem, d: Discretisation, K: Float64Array, t: number, source?: ArrayLike<number>,
): Float64Array {
  const { nx, ny, state, fixedHead } = d;
  const rhs = new Float64Array(nx * ny);
  const area = d.dx * d.dy;
  for (let c = 0; c < nx * ny; c++) {
    if (state[c] === UNKNOWN) rhs[c] = (source ? source[c] * area : d.recharge[c]) + d.sideFlux[c];
    else if (state[c] === FIXED) rhs[c] = fixedHead[c];
  }
  if (!d.allUnknown) {
    forEachActiveFace(d, (a, b, factor) => {
      if (state[a] === UNKNOWN && state[b] === FIXED) rhs[a] += conductance(factor, K[a], K[b]) * fixedHead[b];
      else if (state[a] === FIXED && state[b] === UNKNOWN) rhs[b] += conductance(factor, K[a], K[b]) * fixedHead[a];
    });
  }
  const { cell, factor, head } = d.headFaces;
  for (let k = 0; k < cell.length; k++) rhs[cell[k]] += factor[k] * K[cell[k]] * head[k];
  const wells = problem.tests[t];
  d.wellCells[t].forEach((c, k) => (rhs[c] += wells[k].rate));
  return rhs;
}

/**
 * Adds dJ/dlnK for one test to `grad`, given the state h and the adjoint state λ (A λ = dJ/dh with
 * λ = 0 off the unknowns). With the residual R(h, C) = A(C) h − b(C) = 0, dJ/dC = −λ · dR/dC: for a
 * face −(λ_a − λ_b)(h_a − h_b) (λ and h of a fixed cell being 0 and its head), for a side-head face
 * −λ_c (h_c − h_b). Chain rule: dC/dlnK_a = C K_b / (K_a + K_b) (harmonic mean), dC_b/dlnK_c = C_b.
 */
export function accumulateGradLogK(
  d: Discretisation, K: Float64Array, h: Float64Array, lambda: Float64Array, grad: Float64Array,
): void {
  const { nx, ny, state, xFactor, yFactor } = d;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const c = j * nx + i;
      if (state[c] === INACTIVE) continue;
      const ka = K[c];
      const la = lambda[c];
      const ha = h[c];
      if (i < nx - 1 && state[c + 1] !== INACTIVE) {
        const kb = K[c + 1];
        const g = (-(la - lambda[c + 1]) * (ha - h[c + 1]) * 2 * xFactor) / (1 / ka + 1 / kb);
        const wa = kb / (ka + kb);
        grad[c] += g * wa;
        grad[c + 1] += g * (1 - wa);
      }
      if (j < ny - 1 && state[c + nx] !== INACTIVE) {
        const kb = K[c + nx];
        const g = (-(la - lambda[c + nx]) * (ha - h[c + nx]) * 2 * yFactor) / (1 / ka + 1 / kb);
        const wa = kb / (ka + kb);
        grad[c] += g * wa;
        grad[c + nx] += g * (1 - wa);
      }
    }
  }
  const { cell, factor, head } = d.headFaces;
  for (let k = 0; k < cell.length; k++) {
    const c = cell[k];
    grad[c] -= lambda[c] * (h[c] - head[k]) * factor[k] * K[c];
  }
}

export const BUDGET_TERMS = ['recharge', 'wells', 'sideHeads', 'sideFluxes', 'fixedHeads'] as const;
export type BudgetTerm = (typeof BUDGET_TERMS)[number];

/** What a budget table calls each term. */
export const BUDGET_LABELS: Record<BudgetTerm, string> = {
  recharge: 'recharge', wells: 'wells', sideHeads: 'side heads', sideFluxes: 'side fluxes', fixedHeads: 'fixed-head cells',
};

/** Volumetric flow rates into and out of the aquifer per term (both ≥ 0), as MODFLOW's budget lists them. */
export interface WaterBudget {
  in: Record<BudgetTerm, number>;
  out: Record<BudgetTerm, number>;
  totalIn: number;
  totalOut: number;
  /** 100 (in − out) / ((in + out) / 2), MODFLOW's percent discrepancy. */
  percentDiscrepancy: number;
}

/** Water budget of one test from its heads: recharge, wells, side flows and fixed-head cells
 *  (each fixed cell's net exchange, positive into the aquifer, as MODFLOW's CHD). */
export function waterBudget(problem: DarcyProblem, d: Discretisation, K: Float64Array, h: Float64Array, t: number): WaterBudget {
  const zero = () => Object.fromEntries(BUDGET_TERMS.map((k) => [k, 0])) as Record<BudgetTerm, number>;
  const budget = { in: zero(), out: zero() };
  const add = (term: BudgetTerm, q: number) => {
    if (q > 0) budget.in[term] += q;
    else budget.out[term] -= q;
  };
  const { nx, ny, state } = d;
  for (let c = 0; c < nx * ny; c++) {
    add('recharge', d.recharge[c]);
    add('sideFluxes', d.sideFlux[c]);
  }
  problem.tests[t].forEach((w) => add('wells', w.rate));
  const { cell, factor, head } = d.headFaces;
  for (let k = 0; k < cell.length; k++) add('sideHeads', factor[k] * K[cell[k]] * (head[k] - h[cell[k]]));
  const fixedNet = new Float64Array(nx * ny);
  forEachActiveFace(d, (a, b, factor) => {
    if ((state[a] === FIXED) === (state[b] === FIXED)) return;
    const q = conductance(factor, K[a], K[b]) * (h[a] - h[b]); // flow from a to b
    if (state[a] === FIXED) fixedNet[a] += q;
    else fixedNet[b] -= q;
  });
  for (let c = 0; c < nx * ny; c++) if (state[c] === FIXED) add('fixedHeads', fixedNet[c]);
  const totalIn = BUDGET_TERMS.reduce((s, k) => s + budget.in[k], 0);
  const totalOut = BUDGET_TERMS.reduce((s, k) => s + budget.out[k], 0);
  const mean = (totalIn + totalOut) / 2;
  return { ...budget, totalIn, totalOut, percentDiscrepancy: mean === 0 ? 0 : (100 * (totalIn - totalOut)) / mean };
}
