// Forward and adjoint Darcy solves on one factorisation (the "reduced functional" of
// pyadjoint/hIPPYlib): J(lnK) = loss(h(lnK)), gradient by one adjoint solve per test.
import { accumulateGradLogK, assembleRhs, assembleValues, waterBudget, type WaterBudget } from './assembly.ts';
import { CELL_STATE, discretise, type Discretisation } from './discretisation.ts';
import { CholeskyFactor } from './multifrontal.ts';
import { frontalPlan, type FrontalPlan } from './nested-dissection.ts';
import { validateLogK, validateProblem, type DarcyProblem } from './problem.ts';

export interface DarcySystemOptions {
  /** Keep a copy of the factor, so that solving again after other systems were factorised costs a
   *  copy instead of a new factorisation (the tfjs op's backward pass). Default false. */
  retain?: boolean;
  /** Source density f per cell (per unit area) replacing the recharge (manufactured-solution tests). */
  source?: ArrayLike<number>;
}

/** A factorised A(K) for one problem and one ln K; solves any number of right-hand sides. */
export class DarcySystem {
  readonly plan: FrontalPlan;
  readonly K: Float64Array;
  readonly discretisation: Discretisation;
  private readonly factor: CholeskyFactor;

  constructor(
    readonly problem: DarcyProblem,
    logK: ArrayLike<number>,
    private readonly options: DarcySystemOptions = {},
  ) {
    validateProblem(problem);
    const { nx, ny } = problem.grid;
    validateLogK(problem.grid, logK);
    this.discretisation = discretise(problem);
    this.plan = frontalPlan(nx, ny);
    this.K = new Float64Array(nx * ny);
    for (let c = 0; c < this.K.length; c++) this.K[c] = Math.exp(logK[c]);
    const values = assembleValues(this.discretisation, this.K);
    this.factor = new CholeskyFactor(this.plan, values, { retain: options.retain });
  }

  /** Heads of every pumping test: NaN in inactive cells, the prescribed head in fixed-head cells. */
  heads(): Float64Array[] {
    const d = this.discretisation;
    const rhs = this.problem.tests.map((_, t) => assembleRhs(this.problem, d, this.K, t, this.options.source));
    const heads = this.factor.solve(rhs);
    if (!d.allUnknown) for (const h of heads) for (let c = 0; c < h.length; c++) if (d.state[c] === CELL_STATE.inactive) h[c] = NaN;
    return heads;
  }

  /** Adjoint states λ_t = A^-1 g_t (A is symmetric) for loss gradients g_t = dJ/dh_t; only unknown
   *  cells carry a gradient (a fixed or inactive cell's head does not depend on K). */
  adjointStates(dHeads: readonly ArrayLike<number>[]): Float64Array[] {
    const d = this.discretisation;
    if (d.allUnknown) return this.factor.solve(dHeads);
    return this.factor.solve(dHeads.map((g) => Float64Array.from(g, (v, c) => (d.state[c] === CELL_STATE.unknown ? v : 0))));
  }

  /** dJ/dlnK = sum_t adjoint-state contraction of test t (see accumulateGradLogK). */
  gradLogK(heads: readonly Float64Array[], lambdas: readonly Float64Array[]): Float64Array {
    const grad = new Float64Array(this.K.length);
    heads.forEach((h, t) => accumulateGradLogK(this.discretisation, this.K, h, lambdas[t], grad));
    return grad;
  }

  /** Water budget of test t for its heads (see waterBudget). */
  budget(heads: readonly Float64Array[]): WaterBudget[] {
    return heads.map((h, t) => waterBudget(this.problem, this.discretisation, this.K, h, t));
  }
}

/** Heads for every test, each Float64Array of ny*nx, row-major [ny, nx]. logK: ny*nx values of ln K. */
export function solveHeads(problem: DarcyProblem, logK: ArrayLike<number>): Float64Array[] {
  return new DarcySystem(problem, logK).heads();
}

/**
 * Reduced functional J(lnK) = loss(heads) with its adjoint gradient dJ/dlnK: one factorisation,
 * the forward solves of all tests and one adjoint solve per test that the loss depends on.
 */
export function lossAndGradient(
  problem: DarcyProblem,
  logK: ArrayLike<number>,
  loss: (heads: Float64Array[]) => { value: number; dHeads: Float64Array[] },
): { value: number; gradLogK: Float64Array; heads: Float64Array[] } {
  const system = new DarcySystem(problem, logK);
  const heads = system.heads();
  const { value, dHeads } = loss(heads);
  if (dHeads.length !== heads.length) {
    throw new Error(`loss returned dHeads for ${dHeads.length} tests, expected ${heads.length}`);
  }
  const active = dHeads.map((d) => d.some((v) => v !== 0));
  const solved = system.adjointStates(dHeads.filter((_, t) => active[t]));
  const n = system.K.length;
  let next = 0;
  const lambdas = active.map((a) => (a ? solved[next++] : new Float64Array(n)));
  return { value, gradLogK: system.gradLogK(heads, lambdas), heads };
}
