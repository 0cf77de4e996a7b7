// Options of invert(): one interface, one defaults constant. Every default carries its unit.
import type { AdamOptions, LearningRateSchedule } from './adam.ts';

export const INVERSION_METHODS = ['ldim', 'pixel', 'vae', 'pinn'] as const;
export type InversionMethod = (typeof INVERSION_METHODS)[number];
export const ENSEMBLE_MODES = ['multistart', 'rml', 'mcmc'] as const;
export type EnsembleMode = (typeof ENSEMBLE_MODES)[number];
/** ldim unknowns: the latent z itself, or the initial noise z_T of the deterministic DDIM chain z_T -> z. */
export const LATENT_PARAMS = ['latent', 'noise'] as const;
export type LatentParam = (typeof LATENT_PARAMS)[number];

/** A member of the batch: its index in the run and its seed (chosen by the caller, e.g. from the run seed). */
export interface MemberSpec {
  index: number;
  seed: number;
}

export interface InvertOptions {
  method: InversionMethod;
  /**
   * multistart: members differ by their start; rml: each also fits its own perturbed data; mcmc (ldim
   * only): each member is a Markov chain on z_T that samples the posterior (methods/latent-mcmc.ts).
   */
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
  /**
   * pixel: weight λ of the smoothness penalty ½∫|∇ln K|² dA against the misfit Φ = χ²/(2M);
   * ldim refine: the same penalty on the correction Y − Y_L (so the refine adds no grid-scale noise).
   */
  smoothness: number;
  /** pixel: start value of ln K in every cell; pinn: of the ln K network (ln of K in the case's units). */
  pixelInitLogK: number;
  /** pixel: standard deviation of white noise added to the start per member (ln K units); 0 = same start. */
  pixelInitStd: number;
  /**
   * ldim, vae: weight λ of the latent prior term R(z) (normalised per latent dimension) against Φ, in
   * units of the Bayesian weight dim/M (latent size over data count): 1 weighs ½|z|² like ½χ².
   */
  priorWeight: number;
  /** ldim: smallest diffusion time of the regulariser, as a fraction of T. */
  tMin: number;
  /** ldim: largest diffusion time at the first iteration, as a fraction of T (annealed down to tMin). */
  tMax: number;
  /**
   * ldim: DDIM steps of the deterministic chain that turns each member's N(0, I) draw into its start;
   * with param 'noise' also the chain that every iteration differentiates through.
   */
  initSteps: number;
  /** ldim: the unknown, z ('latent', diffusion regulariser) or z_T ('noise', ½|z_T|²/dim, z = DDIM chain of z_T). */
  param: LatentParam;
  /** ldim, vae: adapt λ every this many iterations (see adaptive-weight.ts); 0 = fixed λ. */
  priorWeightWindow: number;
  /** ldim, vae: λ ← λ/priorWeightDecay when χ²/M stalled above 1 + noiseTolerance over the window (> 1). */
  priorWeightDecay: number;
  /** ldim, vae: λ never goes below priorWeightFloor · priorWeight (fraction, in (0, 1]). */
  priorWeightFloor: number;
  /** ldim, vae: relative χ²/M improvement over a window below which the fit counts as stalled (dimensionless). */
  priorWeightStall: number;
  /** ldim: pixel-space refine iterations after the latent descent (refine.ts); 0 = no refine stage. */
  refineIterations: number;
  /** ldim refine: weight μ of the anchor ½|Y − Y_L|²/cells to the latent result Y_L, against Φ. */
  refineAnchor: number;
  /** ldim refine: initial Adam step, ln K units (the refine stage's schedule spans refineIterations). */
  refineLearningRate: number;
  /** pinn: units per hidden layer of the ln K and head networks. */
  pinnWidth: number;
  /** pinn: hidden tanh layers of each network. */
  pinnDepth: number;
  /** pinn: initial Adam step of the network weights (replaces learningRate, whose unit is ln K). */
  pinnLearningRate: number;
  /** pinn: weight λ_pde of the mean squared PDE residual r = ∇·(K∇h) + f + wells (units of 1/r²). */
  pinnPdeWeight: number;
  /** pinn: weight λ_bc of the mean squared Dirichlet misfit (1/head²) and no-flow ∂h/∂n (length²/head²). */
  pinnBoundaryWeight: number;
  /**
   * pinn: weight of (mean ln K − pixelInitLogK)² (1/(ln K)²), applied only when no test has a source
   * (flow setup, no wells): heads then do not change when K is scaled, so without it the level of the
   * ln K network drifts freely; pixel keeps the level of its start the same way (its data gradient has
   * no mean component). With sources the level is identifiable and the term is off.
   */
  pinnGaugeWeight: number;
  /** pinn: standard deviation of the Gaussian that smooths each point well, in cells. */
  pinnWellWidth: number;
  /** pinn: cell centres drawn per iteration as PDE collocation points; >= cells = all, fixed. */
  pinnCollocation: number;
  /** mcmc: chain steps with step-size adaptation after the descent, not kept. */
  mcmcBurnIn: number;
  /** mcmc: chain steps after burn-in. */
  mcmcSteps: number;
  /** mcmc: keep every mcmcThin-th state after burn-in as a sample. */
  mcmcThin: number;
  /** mcmc: initial step size β of the gpCN proposal (dimensionless, in (0, 1]; 1 = independent draws from the Laplace reference). */
  mcmcStepSize: number;
  /** mcmc: mean acceptance probability the burn-in adapts β towards. */
  mcmcTargetAcceptance: number;
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
  /**
   * dimensionless: the Bayesian weight. Measured on the validation cases (64², 49 sensors, 8 starts):
   * ensemble-mean ln K error 0.885 → 0.840 (gaussian) and 0.440 → 0.417 (bimaterial) against the
   * former per-dimension λ = 1, i.e. 42x and 21x weaker there; with 225 sensors and 4 tests it is ~1 either way
   */
  priorWeight: 1,
  /** fraction of T: below ~0.1 the score-distillation gradient is mostly noise (√(ᾱ/(1−ᾱ)) > 6) */
  tMin: 0.2,
  /** fraction of T */
  tMax: 0.9,
  /** DDIM steps */
  initSteps: 20,
  param: 'latent',
  /** iterations: half the stall window, so λ can drop (twice) before the stall rule ends a member */
  priorWeightWindow: 25,
  /** dimensionless: three drops of 3 give the ~30x smaller λ with which the reference fitted dense data */
  priorWeightDecay: 3,
  /** fraction of priorWeight: at most 100x smaller */
  priorWeightFloor: 0.01,
  /** dimensionless: less than 5 % better χ²/M over a window counts as stalled */
  priorWeightStall: 0.05,
  /** iterations: each costs one factorisation, one forward and one adjoint solve per test (~pixel's) */
  refineIterations: 100,
  /**
   * dimensionless: an rms correction of 0.5 in ln K costs μ·⅛, a quarter of Φ = ½ at the noise level,
   * so a latent result that fits is left alone and one that does not may move by O(1) where the data ask
   */
  refineAnchor: 1,
  /**
   * ln K units: 100 cosine-decayed steps move a cell by at most ~2.5. Validation cases (225 sensors, 4 tests,
   * bimaterial): starts with χ²/M ≤ 1.5 after the refine 58 % → 92 % against 0.02, ensemble-mean error 0.334 → 0.316
   */
  refineLearningRate: 0.05,
  /** units per layer */
  pinnWidth: 32,
  /** layers */
  pinnDepth: 3,
  /** weight units: Glorot-initialised weights are O(0.1–1); 1e-2 measured ~2x faster than 5e-3 on 16x16 */
  pinnLearningRate: 1e-2,
  /**
   * 1/r²: a head error δh of wavelength ℓ costs (δh/σ)²/2 in Φ and λ (K δh/ℓ²)² in the PDE term, so λ ≈ 1
   * balances them at σ ≈ 0.01, ℓ ≈ 0.1, K ≈ 1 (10 measured worse: ln K lags the heads)
   */
  pinnPdeWeight: 1,
  /** 1/head²: boundary values are known exactly, so they weigh more than the O(1) PDE term */
  pinnBoundaryWeight: 10,
  /**
   * 1/(ln K)²: r ∝ K, so the PDE term alone pulls the level of ln K down; 10 holds it within 0.05 of
   * the start in 150 iterations on 16x16 (1 let it drift by 0.21)
   */
  pinnGaugeWeight: 10,
  /** cells: a tanh MLP fits a 2-cell Gaussian in a few hundred steps, a 1-cell one not (measured on 16x16) */
  pinnWellWidth: 2,
  /** points: all cells up to 32x32; a quarter of a 64x64 grid, so 4 iterations see each cell once on average */
  pinnCollocation: 1024,
  /** steps */
  mcmcBurnIn: 100,
  /** steps: each a forward pass (DDIM chain, decoder, solve), about a third of a descent iteration */
  mcmcSteps: 300,
  /** steps: 50 samples per chain at the defaults */
  mcmcThin: 6,
  /** dimensionless: burn-in on the 64² cases ends at β ≈ 0.1–0.15 (measured), so it starts near there */
  mcmcStepSize: 0.2,
  /** a random-walk-like proposal's optimal scaling (Roberts, Gelman & Gilks 1997: 0.234) */
  mcmcTargetAcceptance: 0.25,
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
  if (!LATENT_PARAMS.includes(o.param)) fail('param', `one of ${LATENT_PARAMS.join(', ')}`, o.param);
  for (const key of ['priorWeightWindow', 'refineIterations'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 0) fail(key, 'an integer >= 0', o[key]);
  }
  if (o.mode === 'mcmc' && o.method !== 'ldim') fail('mode', `mcmc only with method ldim (its prior on z_T is N(0, I)), not ${o.method}`, o.mode);
  if (!Number.isInteger(o.mcmcBurnIn) || o.mcmcBurnIn < 0) fail('mcmcBurnIn', 'an integer >= 0', o.mcmcBurnIn);
  if (!Number.isInteger(o.mcmcSteps) || o.mcmcSteps < 1) fail('mcmcSteps', 'an integer >= 1', o.mcmcSteps);
  if (!Number.isInteger(o.mcmcThin) || o.mcmcThin < 1 || o.mcmcThin > o.mcmcSteps) fail('mcmcThin', 'an integer in [1, mcmcSteps]', o.mcmcThin);
  if (!(o.mcmcStepSize > 0 && o.mcmcStepSize <= 1)) fail('mcmcStepSize', 'in (0, 1]', o.mcmcStepSize);
  if (!(o.mcmcTargetAcceptance > 0 && o.mcmcTargetAcceptance < 1)) fail('mcmcTargetAcceptance', 'in (0, 1)', o.mcmcTargetAcceptance);
  if (!(o.priorWeightDecay > 1)) fail('priorWeightDecay', '> 1', o.priorWeightDecay);
  if (!(o.priorWeightFloor > 0 && o.priorWeightFloor <= 1)) fail('priorWeightFloor', 'in (0, 1]', o.priorWeightFloor);
  if (!(o.priorWeightStall >= 0 && o.priorWeightStall < 1)) fail('priorWeightStall', 'in [0, 1)', o.priorWeightStall);
  if (!(o.refineAnchor >= 0)) fail('refineAnchor', '>= 0', o.refineAnchor);
  if (!(o.refineLearningRate > 0)) fail('refineLearningRate', '> 0', o.refineLearningRate);
  if (!Number.isFinite(o.pixelInitLogK)) fail('pixelInitLogK', 'finite', o.pixelInitLogK);
  for (const key of ['pinnWidth', 'pinnDepth', 'pinnCollocation'] as const) if (!Number.isInteger(o[key]) || o[key] < 1) fail(key, 'an integer >= 1', o[key]);
  for (const key of ['pinnLearningRate', 'pinnWellWidth'] as const) if (!(o[key] > 0)) fail(key, '> 0', o[key]);
  for (const key of ['pinnPdeWeight', 'pinnBoundaryWeight', 'pinnGaugeWeight'] as const) if (!(o[key] >= 0)) fail(key, '>= 0', o[key]);
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
