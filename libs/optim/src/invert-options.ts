// Options of invert(): one interface, one defaults constant (STYLE.md 7). Every default carries its unit.
import type { AdamOptions, LearningRateSchedule } from './adam.ts';

export const INVERSION_METHODS = ['ldim', 'pixel', 'vae'] as const;
export type InversionMethod = (typeof INVERSION_METHODS)[number];
export const ENSEMBLE_MODES = ['multistart', 'rml'] as const;
export type EnsembleMode = (typeof ENSEMBLE_MODES)[number];

/** A member of the batch: its index in the run and its seed (chosen by the caller, e.g. from the run seed). */
export interface MemberSpec {
  index: number;
  seed: number;
}

export interface InvertOptions {
  method: InversionMethod;
  /** multistart: members differ by their start; rml: each also fits its own perturbed data. */
  mode: EnsembleMode;
  /** Members optimised together in this call. */
  members: MemberSpec[];
  /** Iteration budget per member (also the horizon of the learning-rate schedule). */
  iterations: number;
  /** Initial Adam step, in units of the parameter: ln K (pixel) or latent standard deviations (ldim, vae). */
  learningRate: number;
  lrSchedule: LearningRateSchedule;
  /** Learning rate at the last iteration as a fraction of the initial one. */
  lrFinalFraction: number;
  /** Adam moment decays and ε (ε in gradient units). */
  beta1: number;
  beta2: number;
  epsilon: number;
  /** pixel: weight λ of the smoothness penalty ½∫|∇ln K|² dA against the misfit Φ = χ²/(2M). */
  smoothness: number;
  /** pixel: start value of ln K in every cell (ln of K in the case's units). */
  pixelInitLogK: number;
  /** pixel: standard deviation of white noise added to the start per member (ln K units); 0 = same start. */
  pixelInitStd: number;
  /** ldim, vae: weight λ of the latent prior term R(z) (normalised per latent dimension) against Φ. */
  priorWeight: number;
  /** ldim: smallest diffusion time of the regulariser, as a fraction of T. */
  tMin: number;
  /** ldim: largest diffusion time at the first iteration, as a fraction of T (annealed down to tMin). */
  tMax: number;
  /** ldim: DDIM steps of the deterministic chain that turns each member's N(0, I) draw into its start. */
  initSteps: number;
  /** Stop at χ²/M ≤ 1 + noiseTolerance (dimensionless); null = never (noise-free studies). */
  noiseTolerance: number | null;
  /** Stop after this many iterations without a relative χ²/M improvement of stallTolerance; 0 = never. */
  stallWindow: number;
  /** Relative χ²/M improvement that counts as progress (dimensionless). */
  stallTolerance: number;
}

export const INVERT_DEFAULTS: InvertOptions = {
  method: 'ldim',
  mode: 'multistart',
  /** one member, index 0, seed 0 */
  members: [{ index: 0, seed: 0 }],
  /** iterations */
  iterations: 200,
  /** ln K or latent units: a few hundred Adam steps of 0.05 move ln K by O(1–10), its natural range */
  learningRate: 0.05,
  lrSchedule: 'cosine',
  /** dimensionless: the last steps are 20x finer than the first */
  lrFinalFraction: 0.05,
  beta1: 0.9,
  beta2: 0.999,
  /** gradient units */
  epsilon: 1e-8,
  /**
   * dimensionless; a ln K field of unit variance and correlation length 0.1–0.2 has ½∫|∇Y|² ≈ 25–100,
   * so λR ≈ 0.25–1, comparable to Φ = ½ at the noise level
   */
  smoothness: 1e-2,
  /** ln(K / case units): K = 1 */
  pixelInitLogK: 0,
  /** ln K units */
  pixelInitStd: 0,
  /** dimensionless; 1 weighs a typical prior draw (R ≈ ½) like a fit at the noise level (Φ = ½) */
  priorWeight: 1,
  /** fraction of T: below ~0.1 the score-distillation gradient is mostly noise (√(ᾱ/(1−ᾱ)) > 6) */
  tMin: 0.2,
  /** fraction of T */
  tMax: 0.9,
  /** DDIM steps */
  initSteps: 20,
  /** dimensionless: stop at χ²/M ≤ 1.1 (discrepancy principle with 10 % slack) */
  noiseTolerance: 0.1,
  /** iterations */
  stallWindow: 50,
  /** dimensionless: 0.1 % */
  stallTolerance: 1e-3,
};

/** Defaults filled in and every field checked; errors name the option and the value. */
export function resolveInvertOptions(partial: Partial<InvertOptions>): InvertOptions {
  const o: InvertOptions = { ...INVERT_DEFAULTS, ...partial };
  const fail = (key: string, expected: string, got: unknown): never => {
    throw new Error(`invert option ${key} must be ${expected}, got ${JSON.stringify(got)}`);
  };
  if (!INVERSION_METHODS.includes(o.method)) fail('method', `one of ${INVERSION_METHODS.join(', ')}`, o.method);
  if (!ENSEMBLE_MODES.includes(o.mode)) fail('mode', `one of ${ENSEMBLE_MODES.join(', ')}`, o.mode);
  if (!Array.isArray(o.members) || o.members.length === 0) fail('members', 'a non-empty list', o.members);
  for (const m of o.members) {
    if (!Number.isInteger(m.index) || m.index < 0 || !Number.isSafeInteger(m.seed)) {
      fail('members', 'entries { index: integer >= 0, seed: integer }', m);
    }
  }
  if (!Number.isInteger(o.iterations) || o.iterations < 1) fail('iterations', 'an integer >= 1', o.iterations);
  const positive = ['learningRate', 'lrFinalFraction', 'epsilon'] as const;
  for (const key of positive) if (!(o[key] > 0)) fail(key, '> 0', o[key]);
  for (const key of ['beta1', 'beta2'] as const) if (!(o[key] >= 0 && o[key] < 1)) fail(key, 'in [0, 1)', o[key]);
  for (const key of ['smoothness', 'pixelInitStd', 'stallTolerance', 'priorWeight'] as const) if (!(o[key] >= 0)) fail(key, '>= 0', o[key]);
  if (!(o.tMin > 0 && o.tMin <= o.tMax && o.tMax < 1)) fail('tMin, tMax', '0 < tMin <= tMax < 1', [o.tMin, o.tMax]);
  if (!Number.isInteger(o.initSteps) || o.initSteps < 1) fail('initSteps', 'an integer >= 1', o.initSteps);
  if (!Number.isFinite(o.pixelInitLogK)) fail('pixelInitLogK', 'finite', o.pixelInitLogK);
  if (o.noiseTolerance !== null && !(o.noiseTolerance >= 0)) fail('noiseTolerance', '>= 0 or null', o.noiseTolerance);
  if (!Number.isInteger(o.stallWindow) || o.stallWindow < 0) fail('stallWindow', 'an integer >= 0', o.stallWindow);
  return o;
}

/** The Adam settings of a resolved option set; the schedule's horizon is the iteration budget. */
export function adamOptionsOf(o: InvertOptions): AdamOptions {
  return {
    learningRate: o.learningRate,
    schedule: o.lrSchedule,
    finalFraction: o.lrFinalFraction,
    horizon: o.iterations,
    beta1: o.beta1,
    beta2: o.beta2,
    epsilon: o.epsilon,
  };
}
