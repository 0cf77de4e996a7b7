// Adaptive prior weight λ of the latent methods, per member. With a fixed λ the prior term can hold
// the fit above the noise level for good (the reference implementation reached χ²/M ≈ 4 on dense data
// and fitted with λ 30x smaller). Rule, checked every W iterations (W = priorWeightWindow):
//   if best χ²/M so far > 1 + noiseTolerance   (not yet at the noise level; 1 when noiseTolerance is null)
//   and best χ²/M now > (1 − s) · best χ²/M W iterations ago   (less than s = priorWeightStall better)
//   then λ ← max(λ / κ, floor · λ₀)   (κ = priorWeightDecay, floor = priorWeightFloor, λ₀ = priorWeight).
// The best value so far, not the last, so that the noise of the score-distillation term neither
// triggers nor blocks a drop. A function of the member's χ²/M history only: deterministic.
import type { InvertOptions } from '../invert-options.ts';

export type AdaptiveWeightOptions = Pick<
  InvertOptions, 'priorWeight' | 'priorWeightWindow' | 'priorWeightDecay' | 'priorWeightFloor' | 'priorWeightStall' | 'noiseTolerance'
>;

export class AdaptiveWeight {
  /** Current λ. */
  value: number;
  private best = Infinity;
  private bestAtCheck = Infinity;
  private count = 0;

  constructor(private readonly o: AdaptiveWeightOptions) {
    this.value = o.priorWeight;
  }

  /** After each iteration, with its χ²/M; returns the λ for the next step. */
  update(chiSquared: number): number {
    this.best = Math.min(this.best, chiSquared);
    this.count++;
    const W = this.o.priorWeightWindow;
    if (W === 0 || this.count % W !== 0) return this.value;
    const target = 1 + (this.o.noiseTolerance ?? 0);
    const stalled = this.best > (1 - this.o.priorWeightStall) * this.bestAtCheck;
    if (this.best > target && stalled) {
      this.value = Math.max(this.value / this.o.priorWeightDecay, this.o.priorWeightFloor * this.o.priorWeight);
    }
    this.bestAtCheck = this.best;
    return this.value;
  }
}
