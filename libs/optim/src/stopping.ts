// When a member stops. Discrepancy principle (Morozov): once χ²/M reaches the noise level, further
// descent fits noise, so stop at χ²/M ≤ 1 + noiseTolerance. Stall: the best χ²/M has not improved by
// a relative stallTolerance within stallWindow iterations. Both watch the misfit, not the total loss:
// the diffusion regulariser's value is a noisy diagnostic at an annealed random time, and a stall of
// the data fit is what ends useful work. Measuring against the best value so far means one noisy
// iteration neither ends a run nor resets the window.

export type StopReason = 'noise-level' | 'stalled' | 'max-iterations';

export interface StoppingOptions {
  /** Stop at χ²/M ≤ 1 + noiseTolerance (dimensionless); null disables (noise-free studies). */
  noiseTolerance: number | null;
  /** Iterations without a relative χ²/M improvement of stallTolerance before a stall stop; 0 disables. */
  stallWindow: number;
  /** Relative χ²/M improvement (dimensionless) that counts as progress. */
  stallTolerance: number;
  /** Iteration budget. */
  maxIterations: number;
}

export class StoppingRule {
  private best = Infinity;
  private bestAt = 0;

  constructor(private readonly o: StoppingOptions) {}

  /** Call after iteration k (0-based) with that iteration's χ²/M; returns why to stop or null to continue. */
  update(k: number, chiSquaredPerDatum: number): StopReason | null {
    const misfit = chiSquaredPerDatum;
    if (!Number.isFinite(misfit)) throw new Error(`misfit χ²/M is not finite at iteration ${k}: ${misfit}`);
    if (this.o.noiseTolerance !== null && misfit <= 1 + this.o.noiseTolerance) return 'noise-level';
    if (this.best === Infinity || this.best - misfit > this.o.stallTolerance * this.best) {
      this.best = misfit;
      this.bestAt = k;
    } else if (this.o.stallWindow > 0 && k - this.bestAt >= this.o.stallWindow) {
      return 'stalled';
    }
    return k + 1 >= this.o.maxIterations ? 'max-iterations' : null;
  }
}
