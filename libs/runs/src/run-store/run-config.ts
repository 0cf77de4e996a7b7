// Options of `ldinv invert`, recorded as run.json's config: one interface, one defaults constant. The methods, modes and latent
// parameters are @ldinv/optim's (INVERSION_METHODS, ENSEMBLE_MODES, LATENT_PARAMS), the backends
// @ldinv/tensor's (BACKEND_CHOICES): the libraries that define them own the lists.
import { availableParallelism } from 'node:os';
import { INVERT_DEFAULTS, type EnsembleMode, type InversionMethod, type LatentParam } from '@ldinv/optim';
import type { BackendChoice } from '@ldinv/tensor';

/** Methods that decode through a prior's VAE, and so need one. */
export const METHODS_WITH_PRIOR: readonly InversionMethod[] = ['ldim', 'vae'];
/** Methods that start from a constant ln K (--init-logk). */
export const METHODS_WITH_INIT_LOGK: readonly InversionMethod[] = ['pixel', 'pinn'];
/**
 * Methods whose members all start from the same field (pixel: the constant --init-logk; the run never
 * sets optim's pixelInitStd), so in multistart mode they would be copies of one another. ldim and vae
 * draw their latent start, pinn its network weights, from each member's seed.
 */
export const METHODS_WITH_FIXED_START: readonly InversionMethod[] = ['pixel'];

/** Everything that decides the numbers of a member. A resume must use the same values. */
export interface NumericalConfig {
  /** Absolute path of the case directory. */
  case: string;
  /** Prior name (libs/prior/assets/<name>) or directory; null for methods without one (pixel, pinn). */
  prior: string | null;
  method: InversionMethod;
  mode: EnsembleMode;
  /** Ensemble size. */
  members: number;
  /** Optimiser iterations per member. */
  iters: number;
  /** ldim: the unknown, the latent z or the DDIM chain's initial noise z_T. */
  param: LatentParam;
  /** ldim: pixel-space refine iterations after the latent descent; 0 = none. */
  refine: number;
  /** mcmc: chain steps after the descent with step-size adaptation, not kept. */
  burnIn: number;
  /** mcmc: chain steps after burn-in. */
  steps: number;
  /** mcmc: keep every thin-th state after burn-in. */
  thin: number;
  /**
   * pixel, pinn: start level of ln K (ln of K in the case's units); 0 for other methods. Without wells
   * heads do not change when K is scaled, so these methods keep the level they start at.
   */
  initLogK: number;
  /** Run seed; member m's seed is memberSeed(seed, m). */
  seed: number;
  backend: BackendChoice;
}

/** The settings of a run that every member shares and a worker needs, besides where the case and prior are. */
export const MEMBER_SETTING_KEYS = ['method', 'mode', 'iters', 'param', 'refine', 'burnIn', 'steps', 'thin', 'initLogK', 'backend'] as const;
export type MemberSettings = Pick<NumericalConfig, (typeof MEMBER_SETTING_KEYS)[number]>;

/** Just the member settings of a config, a job or a worker config. */
export function memberSettingsOf(from: MemberSettings): MemberSettings {
  return Object.fromEntries(MEMBER_SETTING_KEYS.map((key) => [key, from[key]])) as unknown as MemberSettings;
}

/** How the run executes and is summarised. May differ between a run and its resume. */
export interface ExecutionConfig {
  /** Worker threads per process. */
  workers: number;
  /** Members optimised together in one task. */
  batch: number;
  /** null: one local thread pool; else one worker process per listed device (CUDA_VISIBLE_DEVICES). */
  devices: string[] | null;
  /** Attempts per member before it is recorded as failed. */
  maxAttempts: number;
  /** Members with final χ²/M above this are listed and left out of the ensemble statistics. */
  maxMisfit: number;
}

export type InvertConfig = NumericalConfig & ExecutionConfig;

/**
 * Defaults of the `ldinv invert` command: an InvertConfig (ensemble size, run seed, workers, batch,
 * retries, ...), which the run turns into @ldinv/optim's InvertOptions per task. Not optim's
 * INVERT_DEFAULTS, the defaults of invert()'s options (members as { index, seed } specs, every
 * optimiser setting), hence the other name; values both have (method, mode, param, refine) are optim's.
 */
export const INVERT_CONFIG_DEFAULTS = {
  method: INVERT_DEFAULTS.method,
  mode: INVERT_DEFAULTS.mode,
  /** members */
  members: 32,
  /** iterations; the optimiser's own default where it has one is not used, so run.json is complete. */
  iters: 200,
  param: INVERT_DEFAULTS.param,
  /** iterations (the optimiser's default) */
  refine: INVERT_DEFAULTS.refineIterations,
  burnIn: INVERT_DEFAULTS.mcmcBurnIn,
  steps: INVERT_DEFAULTS.mcmcSteps,
  thin: INVERT_DEFAULTS.mcmcThin,
  /**
   * ln K; null = resolved when the run is prepared (resolveInitLogK): the mean ln K of the training set
   * of the case's prior where there is one, else this optimiser default (K = 1). run.json holds the number.
   */
  initLogK: null as number | null,
  seed: 0,
  backend: 'auto' as BackendChoice,
  /** threads: one per available core. */
  workers: availableParallelism(),
  /** members per task at most; the default batch is autoBatch(members, workers), which stays below it. */
  batch: 4,
  devices: null as string[] | null,
  /** attempts (first try + 2 retries), as PEST++'s run manager retries a failed realisation. */
  maxAttempts: 3,
  /** χ²/M; 1 is a fit to the noise level, so 10 flags members stuck in a poor local minimum. */
  maxMisfit: 10,
} as const;

/** The numerical keys, in the order they are compared on resume. */
export const NUMERICAL_KEYS: (keyof NumericalConfig)[] = [
  'case', 'prior', 'method', 'mode', 'members', 'iters', 'param', 'refine', 'burnIn', 'steps', 'thin', 'initLogK', 'seed', 'backend',
];

/** The command-line name of a numerical key (for messages). */
export function optionName(key: keyof NumericalConfig): string {
  return key === 'initLogK' ? 'init-logk' : key === 'burnIn' ? 'burn-in' : key;
}

/** Default members per task: up to INVERT_CONFIG_DEFAULTS.batch (batched tensor ops amortise per-task cost),
 *  but small enough that every worker gets at least two tasks, so none sits idle at the end. */
export function autoBatch(members: number, workers: number): number {
  return Math.min(INVERT_CONFIG_DEFAULTS.batch, Math.max(1, Math.floor(members / (2 * workers))));
}
