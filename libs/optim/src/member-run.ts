// Book-keeping shared by every method's loop: loss history, progress reports and the stopping rule
// for one member, and the member's result.
import type { InvertOptions, MemberSpec } from './invert-options.ts';
import { activeCellPicker } from './metrics/active-cells.ts';
import { relativeL2 } from './metrics/relative-l2.ts';
import type { DataMisfit } from './objectives/data-misfit.ts';
import { StoppingRule, type StopReason } from './stopping.ts';

export interface Progress {
  /** Member index in the run. */
  member: number;
  /** 0-based iteration. */
  iteration: number;
  /** χ²/M against the data the member fits (its perturbed data under rml). */
  misfit: number;
  /** λ R at that iteration (0 for methods without a regulariser). */
  regulariser: number;
}

export type ProgressCallback = (p: Progress) => void;

export interface LossHistory {
  iteration: Int32Array;
  /** χ²/M at each iteration, against the data the member fits. */
  misfit: Float64Array;
  /** λ R at each iteration. */
  regulariser: Float64Array;
  /** Relative L2 error of ln K against the problem's truth (synthetic cases only); NaN at iterations
   *  where the method did not form ln K (pinn forms it every PINN_TRACE_EVERY iterations). */
  logKError?: Float64Array;
}

export interface MemberResult {
  index: number;
  seed: number;
  /** Final ln K, ny*nx row-major. */
  logK: Float64Array;
  /** Heads of every pumping test for the final ln K, each ny*nx row-major. */
  heads: Float64Array[];
  /** Final heads at the sensors, per test. */
  predicted: Float64Array[];
  /** Final χ²/M against the case's (unperturbed) data. */
  misfit: number;
  /** Final λ R. */
  regulariser: number;
  history: LossHistory;
  /** Iterations taken (= history length). */
  iterations: number;
  stopReason: StopReason;
  /** Wall time of this member's optimisation, ms (members of a batch optimised together share it). */
  timeMs: number;
  /** ldim with a refine stage: the first history iteration of the refine stage (its entry is the latent result). */
  refineFrom?: number;
  /** ldim, vae: the prior weight λ at the end of the latent stage (adaptive-weight.ts may have lowered it). */
  priorWeight?: number;
  /** mcmc: the member's Markov chain after its descent (its final ln K is the chain's last state). */
  chain?: ChainRecord;
}

/** A member's Markov chain (mode mcmc): its kept samples and traces. */
export interface ChainRecord {
  /** First history iteration of the chain (burn-in included); the history before it is the descent. */
  from: number;
  burnIn: number;
  thin: number;
  /** Kept ln K samples, [kept, ny*nx] row-major (float32: sampling noise dwarfs the rounding). */
  samples: Float32Array;
  /** χ²/M of each kept sample against the case's data. */
  sampleMisfit: Float64Array;
  /** Metropolis acceptance probability min(1, α) of every chain step, burn-in included. */
  acceptance: Float32Array;
  /** Step size β of the gpCN proposal after burn-in (fixed from then on). */
  stepSize: number;
}

/**
 * History + progress + stopping for one member; record() once per iteration. A member may run in
 * stages (ldim: latent descent, then refine): startStage() gives the next stage its own stopping rule
 * and budget while the history and the progress iteration count go on.
 */
export class MemberRun {
  private misfit: Float64Array;
  private regulariser: Float64Array;
  private logKError: Float64Array | null;
  private rule: StoppingRule;
  private stageStart = 0;
  private count = 0;
  private errorOf?: (logK: ArrayLike<number>) => number;
  stopReason: StopReason | null = null;

  constructor(
    readonly member: MemberSpec,
    private readonly options: InvertOptions,
    private readonly onProgress?: ProgressCallback,
    /** A synthetic case's truth: the history then holds the ln K error over its active cells. */
    truth?: { logK: Float64Array; active?: ArrayLike<number> },
  ) {
    this.misfit = new Float64Array(options.iterations);
    this.regulariser = new Float64Array(options.iterations);
    this.logKError = truth ? new Float64Array(options.iterations) : null;
    if (truth) {
      const pick = activeCellPicker(truth.active);
      const truthValues = pick(truth.logK);
      this.errorOf = (logK) => relativeL2(pick(logK), truthValues);
    }
    this.rule = this.stoppingRule(options.iterations);
  }

  private stoppingRule(maxIterations: number): StoppingRule {
    const { noiseTolerance, stallWindow, stallTolerance } = this.options;
    return new StoppingRule({ noiseTolerance, stallWindow, stallTolerance, maxIterations });
  }

  /**
   * Starts a stage of at most maxIterations iterations; returns its first history iteration. A stage
   * with earlyStop false runs its whole budget (a Markov chain must not stop on its χ²/M).
   */
  startStage(maxIterations: number, earlyStop = true): number {
    const need = this.count + maxIterations;
    if (need > this.misfit.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(need);
        b.set(a.subarray(0, this.count));
        return b;
      };
      this.misfit = grow(this.misfit);
      this.regulariser = grow(this.regulariser);
      if (this.logKError) this.logKError = grow(this.logKError);
    }
    this.rule = earlyStop ? this.stoppingRule(maxIterations) : new StoppingRule({ noiseTolerance: null, stallWindow: 0, stallTolerance: 0, maxIterations });
    this.stageStart = this.count;
    this.stopReason = null;
    return this.count;
  }

  get stopped(): boolean {
    return this.stopReason !== null;
  }

  /**
   * Records the next iteration's χ²/M, λR and (when the problem has a truth and logK is given) the
   * ln K error; returns true when the member should stop.
   */
  record(chiSquared: number, regulariser: number, logK?: ArrayLike<number>): boolean {
    const k = this.count++;
    this.misfit[k] = chiSquared;
    this.regulariser[k] = regulariser;
    if (this.logKError) this.logKError[k] = logK && this.errorOf ? this.errorOf(logK) : Number.NaN;
    this.onProgress?.({ member: this.member.index, iteration: k, misfit: chiSquared, regulariser });
    this.stopReason = this.rule.update(k - this.stageStart, chiSquared);
    return this.stopReason !== null;
  }

  /**
   * The member's result for its final ln K and heads: predictions and χ²/M against the case's own
   * (unperturbed) data, this run's history and stop reason, wall time since startMs.
   */
  result(caseMisfit: DataMisfit, final: { logK: Float64Array; heads: Float64Array[]; regulariser: number }, startMs: number): MemberResult {
    return {
      index: this.member.index,
      seed: this.member.seed,
      logK: final.logK,
      heads: final.heads,
      predicted: caseMisfit.predicted(final.heads),
      misfit: caseMisfit.chiSquared(final.heads),
      regulariser: final.regulariser,
      history: this.history(),
      iterations: this.count,
      stopReason: this.stopReason!,
      timeMs: performance.now() - startMs,
    };
  }

  history(): LossHistory {
    return {
      iteration: Int32Array.from({ length: this.count }, (_, k) => k),
      misfit: this.misfit.slice(0, this.count),
      regulariser: this.regulariser.slice(0, this.count),
      ...(this.logKError ? { logKError: this.logKError.slice(0, this.count) } : {}),
    };
  }

  get iterations(): number {
    return this.count;
  }
}
