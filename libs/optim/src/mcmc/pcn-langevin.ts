// Preconditioned Crank–Nicolson Langevin (pCNL, "∞-MALA"; Cotter, Roberts, Stuart & White 2013) for a
// posterior π(ξ) ∝ exp(−Φ(ξ) − ½|ξ|²) whose prior is N(0, I), run as a batch of independent chains.
//
// Proposal: ξ' = a ξ − b ∇Φ(ξ) + s w, w ~ N(0, I), with a = (2−δ)/(2+δ), b = 2δ/(2+δ), s = √(8δ)/(2+δ).
// Since a² + s² = 1, with Φ = 0 this is pCN and keeps N(0, I) exactly, so the acceptance rate does not
// decay with the dimension of ξ (what makes it suit the 1024-dimensional z_T). The Metropolis–Hastings
// ratio is evaluated as written (target and both proposal densities in float64) rather than in the
// paper's simplified form: fewer algebra steps to get wrong, and the cancellation it leaves is
// ~1e-13·dim. The step size δ adapts per chain during burn-in only (Robbins–Monro on log δ towards a
// target acceptance); after burn-in it is fixed, so the kept states are a valid Markov chain.
import { createRng, type Rng } from '@ldinv/tensor';

/** Φ and ∇Φ of every state of a batch (one per chain), evaluated together. */
export type BatchPotential = (states: readonly Float64Array[]) => { value: number[]; gradient: Float64Array[] };

export interface PcnLangevinOptions {
  /** Steps with step-size adaptation; their states are not kept. */
  burnIn: number;
  /** Steps after burn-in. */
  steps: number;
  /** Keep every thin-th state after burn-in. */
  thin: number;
  /** Initial step size δ (> 0; δ = 2 makes the drift and the noise equal-weighted). */
  stepSize: number;
  /** Mean acceptance probability the burn-in adaptation aims at (MALA's optimal scaling: 0.574). */
  targetAcceptance: number;
}

const MAX_LOG_STEP = Math.log(2);

/** One step's record of a chain, passed to the caller's observer. */
export interface ChainStep {
  chain: number;
  /** 0-based step, burn-in included. */
  step: number;
  /** Φ of the chain's state after the step. */
  potential: number;
  /** Metropolis acceptance probability min(1, α) of the step's proposal. */
  acceptance: number;
  accepted: boolean;
  /** δ used for this step. */
  stepSize: number;
  /** The state after the step is kept as a sample. */
  kept: boolean;
}

export interface ChainState {
  xi: Float64Array;
  potential: number;
  gradient: Float64Array;
}

/**
 * Runs one chain per start (seeds[c]: the seed of chain c's proposal and acceptance draws), all chains
 * stepping in lockstep: one batched potential evaluation per step, at every chain's proposal (the first
 * at the starts). Calls observe(step, state) for every chain and step, right after the step's
 * evaluation, so a caller that keeps what the potential computed alongside (e.g. ln K) takes it from
 * the latest evaluation when step.accepted.
 */
export function runPcnLangevin(
  potential: BatchPotential,
  starts: readonly Float64Array[],
  seeds: readonly number[],
  options: PcnLangevinOptions,
  observe: (step: ChainStep, state: ChainState) => void,
): ChainState[] {
  const { burnIn, steps, thin, targetAcceptance } = options;
  if (!(options.stepSize > 0)) throw new Error(`pCN Langevin: step size must be > 0, got ${options.stepSize}`);
  if (!(thin >= 1) || !Number.isInteger(thin)) throw new Error(`pCN Langevin: thin must be a positive integer, got ${thin}`);
  const first = potential(starts);
  const chains = starts.map((xi, c) => ({
    state: { xi: Float64Array.from(xi), potential: first.value[c], gradient: first.gradient[c] } as ChainState,
    logStep: Math.log(options.stepSize),
    rng: createRng(seeds[c]),
  }));
  for (const [c, chain] of chains.entries()) {
    if (!Number.isFinite(chain.state.potential)) throw new Error(`pCN Langevin: the potential of chain ${c}'s start is not finite`);
  }
  for (let step = 0; step < burnIn + steps; step++) {
    const proposals = chains.map((chain) => propose(chain.state, Math.exp(chain.logStep), chain.rng));
    const evaluated = potential(proposals);
    for (const [c, chain] of chains.entries()) {
      const delta = Math.exp(chain.logStep);
      const proposed: ChainState = { xi: proposals[c], potential: evaluated.value[c], gradient: evaluated.gradient[c] };
      const logAlpha = logAcceptance(chain.state, proposed, delta);
      const acceptance = Number.isNaN(logAlpha) ? 0 : Math.min(1, Math.exp(logAlpha));
      const accepted = chain.rng.uniform() < acceptance;
      if (accepted) chain.state = proposed;
      if (step < burnIn) {
        // Robbins–Monro with a decaying gain: fast at first, frozen (by construction) after burn-in.
        // δ ≤ 2 (a ≥ 0): at δ = 2 a proposal is an independent prior draw, all a flat Φ needs.
        chain.logStep = Math.min(MAX_LOG_STEP, chain.logStep + (acceptance - targetAcceptance) / Math.pow(step + 1, 0.6));
      }
      const kept = step >= burnIn && (step - burnIn + 1) % thin === 0;
      observe({ chain: c, step, potential: chain.state.potential, acceptance, accepted, stepSize: delta, kept }, chain.state);
    }
  }
  return chains.map((chain) => chain.state);
}

function coefficients(delta: number): { a: number; b: number; s: number } {
  return { a: (2 - delta) / (2 + delta), b: (2 * delta) / (2 + delta), s: Math.sqrt(8 * delta) / (2 + delta) };
}

function propose(state: ChainState, delta: number, rng: Rng): Float64Array {
  const { a, b, s } = coefficients(delta);
  const { xi, gradient } = state;
  const out = new Float64Array(xi.length);
  for (let i = 0; i < xi.length; i++) out[i] = a * xi[i] - b * gradient[i] + s * rng.normal();
  return out;
}

/** log q(from -> to) up to the constant shared by both directions: −|to − a·from + b·∇Φ(from)|²/(2s²). */
function logProposal(from: ChainState, to: Float64Array, delta: number): number {
  const { a, b, s } = coefficients(delta);
  let sum = 0;
  for (let i = 0; i < to.length; i++) {
    const r = to[i] - a * from.xi[i] + b * from.gradient[i];
    sum += r * r;
  }
  return -sum / (2 * s * s);
}

function halfSquaredNorm(x: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i] * x[i];
  return 0.5 * sum;
}

/** log of the Metropolis–Hastings ratio π(y) q(y -> x) / (π(x) q(x -> y)); NaN or −∞ for a non-finite Φ(y). */
export function logAcceptance(x: ChainState, y: ChainState, delta: number): number {
  if (!Number.isFinite(y.potential)) return Number.NEGATIVE_INFINITY;
  const target = -y.potential - halfSquaredNorm(y.xi) + x.potential + halfSquaredNorm(x.xi);
  return target + logProposal(y, x.xi, delta) - logProposal(x, y.xi, delta);
}
