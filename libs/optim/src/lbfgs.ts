// Limited-memory BFGS (Nocedal & Wright 2006, algorithm 7.4 with the two-loop recursion and the
// scaling γ = sᵀy / yᵀy of eq. 7.20) with a weak Wolfe line search. For smooth, full-batch
// objectives where converging to the minimiser matters (the exact-prior reference); the methods keep
// Adam, whose noise-tolerant steps suit the stochastic diffusion regulariser.

/** f(x), writing ∇f(x) into grad; a non-finite value (e.g. a solve that failed) rejects the trial step. */
export type SmoothObjective = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  maxIterations: number;
  /** Pairs (s, y) kept. Default 10. */
  memory?: number;
  /** Stop when an iteration lowers f by less than this fraction of max(1, |f|). Default 1e-10. */
  relativeDecrease?: number;
}

export interface LbfgsResult {
  value: number;
  iterations: number;
  stopReason: 'converged' | 'max-iterations' | 'line-search-failed';
}

const ARMIJO = 1e-4;
const CURVATURE = 0.9;
const MAX_LINE_SEARCH = 50;

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** Minimises f from x (updated in place to the last accepted point). */
export function minimizeLbfgs(f: SmoothObjective, x: Float64Array, options: LbfgsOptions): LbfgsResult {
  const n = x.length;
  const memory = options.memory ?? 10;
  const tolerance = options.relativeDecrease ?? 1e-10;
  const grad = new Float64Array(n);
  let value = f(x, grad);
  if (!Number.isFinite(value)) throw new Error(`minimizeLbfgs: the objective is not finite at the start (${value})`);
  const pairs: { s: Float64Array; y: Float64Array; rho: number }[] = [];
  const direction = new Float64Array(n);
  const trial = new Float64Array(n);
  const trialGrad = new Float64Array(n);
  const alpha = new Float64Array(memory);
  for (let it = 0; it < options.maxIterations; it++) {
    // direction = H ∇f by the two-loop recursion
    direction.set(grad);
    for (let k = pairs.length - 1; k >= 0; k--) {
      const { s, y, rho } = pairs[k];
      alpha[k] = rho * dot(s, direction);
      for (let i = 0; i < n; i++) direction[i] -= alpha[k] * y[i];
    }
    const last = pairs.at(-1);
    const gamma = last ? dot(last.s, last.y) / dot(last.y, last.y) : 1 / Math.sqrt(dot(grad, grad) || 1);
    for (let i = 0; i < n; i++) direction[i] *= gamma;
    for (let k = 0; k < pairs.length; k++) {
      const { s, y, rho } = pairs[k];
      const beta = rho * dot(y, direction);
      for (let i = 0; i < n; i++) direction[i] += s[i] * (alpha[k] - beta);
    }
    const slope = dot(grad, direction);
    if (!(slope > 0)) return { value, iterations: it, stopReason: 'converged' }; // zero gradient
    // Weak Wolfe step by bisection and doubling (Lewis & Overton 2013): Armijo decrease, and enough
    // curvature (directional derivative raised to c2 of its start) so that sᵀy > 0 and the step is not
    // cut short; a backtracking-only search keeps steps far below the minimiser along the direction.
    let step = 1;
    let low = 0;
    let high = Infinity;
    let trialValue = NaN;
    let accepted = false;
    for (let b = 0; b < MAX_LINE_SEARCH && !accepted; b++) {
      for (let i = 0; i < n; i++) trial[i] = x[i] - step * direction[i];
      trialValue = f(trial, trialGrad);
      if (!Number.isFinite(trialValue) || trialValue > value - ARMIJO * step * slope) high = step;
      else if (dot(trialGrad, direction) > CURVATURE * slope) low = step;
      else accepted = true;
      if (!accepted) step = high < Infinity ? (low + high) / 2 : 2 * low;
    }
    // A step that decreased f enough but did not meet the curvature condition in time is still taken.
    if (!accepted && low > 0) {
      step = low;
      for (let i = 0; i < n; i++) trial[i] = x[i] - step * direction[i];
      trialValue = f(trial, trialGrad);
      accepted = true;
    }
    if (!accepted) return { value, iterations: it, stopReason: 'line-search-failed' };
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = trial[i] - x[i];
      y[i] = trialGrad[i] - grad[i];
    }
    const sy = dot(s, y);
    // Curvature sᵀy > 0 keeps H positive definite; a pair without it is skipped.
    if (sy > 1e-300) {
      pairs.push({ s, y, rho: 1 / sy });
      if (pairs.length > memory) pairs.shift();
    }
    const decrease = value - trialValue;
    x.set(trial);
    grad.set(trialGrad);
    value = trialValue;
    if (decrease <= tolerance * Math.max(1, Math.abs(value))) return { value, iterations: it + 1, stopReason: 'converged' };
  }
  return { value, iterations: options.maxIterations, stopReason: 'max-iterations' };
}
