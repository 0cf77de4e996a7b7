// Book-keeping shared by every method's loop: loss history, progress reports and the stopping rule
// for one member, and the member's result.
import type { InvertOptions, MemberSpec } from './invert-options.ts';
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
}

/** History + progress + stopping for one member; record() once per iteration. */
export class MemberRun {
  private readonly misfit: Float64Array;
  private readonly regulariser: Float64Array;
  private readonly rule: StoppingRule;
  private count = 0;
  stopReason: StopReason | null = null;

  constructor(
    readonly member: MemberSpec,
    options: InvertOptions,
    private readonly onProgress?: ProgressCallback,
  ) {
    this.misfit = new Float64Array(options.iterations);
    this.regulariser = new Float64Array(options.iterations);
    this.rule = new StoppingRule({
      noiseTolerance: options.noiseTolerance,
      stallWindow: options.stallWindow,
      stallTolerance: options.stallTolerance,
      maxIterations: options.iterations,
    });
  }

  get stopped(): boolean {
    return this.stopReason !== null;
  }

  /** Records the next iteration's χ²/M and λR; returns true when the member should stop. */
  record(chiSquared: number, regulariser: number): boolean {
    const k = this.count++;
    this.misfit[k] = chiSquared;
    this.regulariser[k] = regulariser;
    this.onProgress?.({ member: this.member.index, iteration: k, misfit: chiSquared, regulariser });
    this.stopReason = this.rule.update(k, chiSquared);
    return this.stopReason !== null;
  }

  history(): LossHistory {
    return {
      iteration: Int32Array.from({ length: this.count }, (_, k) => k),
      misfit: this.misfit.slice(0, this.count),
      regulariser: this.regulariser.slice(0, this.count),
    };
  }

  get iterations(): number {
    return this.count;
  }
}
