// Data misfit of docs/DESIGN.md "Inversion" as a loss of heads for the solver's reduced functional:
//   Φ(h) = ½ Σ_tests Σ_i ((P_t h_t − d)_i / σ_i)² / M,     ∂Φ/∂h_t = P_tᵀ ((P_t h_t − d) / σ²) / M,
// P_t the bilinear observation operator of test t. χ²/M = 2Φ. Dividing by M makes the loss an
// average, so one learning rate and one λ fit cases with 10 or 10 000 data.
import type { ObservationOperator } from '@ldinv/solver';

/** The sensors, data and standard deviations of one pumping test. */
export interface TestObservations {
  operator: ObservationOperator;
  /** Measured heads d_i, one per sensor. */
  data: Float64Array;
  /** Standard deviation σ_i > 0 of each datum, in head units. */
  sigma: Float64Array;
}

export interface HeadsLoss {
  value: number;
  dHeads: Float64Array[];
}

export class DataMisfit {
  /** Number of data M over all tests. */
  readonly count: number;
  private readonly zeros: Float64Array;

  constructor(readonly observations: readonly TestObservations[], readonly cells: number) {
    let count = 0;
    observations.forEach((o, t) => {
      const n = o.operator.count;
      if (o.data.length !== n || o.sigma.length !== n) {
        throw new Error(`test ${t}: ${n} sensors but ${o.data.length} data and ${o.sigma.length} sigma values`);
      }
      o.sigma.forEach((s, i) => {
        if (!(s > 0)) throw new Error(`test ${t} datum ${i}: sigma must be > 0, got ${s}`);
      });
      count += n;
    });
    if (count === 0) throw new Error('data misfit: no observations in any test');
    this.count = count;
    this.zeros = new Float64Array(cells);
  }

  /** The same sensors and σ with other data (RML members fit their own perturbed data). */
  withData(data: readonly Float64Array[]): DataMisfit {
    if (data.length !== this.observations.length) {
      throw new Error(`withData: got data for ${data.length} tests, expected ${this.observations.length}`);
    }
    return new DataMisfit(
      this.observations.map((o, t) => ({ ...o, data: data[t] })),
      this.cells,
    );
  }

  /** Φ(h) and ∂Φ/∂h per test; a test without sensors gets a zero gradient (the solver skips its adjoint). */
  readonly loss = (heads: Float64Array[]): HeadsLoss => {
    this.checkHeads(heads);
    let value = 0;
    const dHeads = this.observations.map((o, t) => {
      if (o.operator.count === 0) return this.zeros;
      const predicted = o.operator.apply(heads[t]);
      for (let i = 0; i < predicted.length; i++) {
        const w = 1 / (o.sigma[i] * o.sigma[i]);
        const r = predicted[i] - o.data[i];
        value += r * r * w;
        predicted[i] = (r * w) / this.count; // reuse as the weighted residual
      }
      return o.operator.applyTranspose(predicted);
    });
    return { value: (0.5 * value) / this.count, dHeads };
  };

  /** χ²/M = Σ ((P h − d)/σ)² / M. */
  chiSquared(heads: Float64Array[]): number {
    let sum = 0;
    for (const r of this.whitenedResiduals(heads)) sum += r * r;
    return sum / this.count;
  }

  /** Heads at the sensors, per test. */
  predicted(heads: Float64Array[]): Float64Array[] {
    this.checkHeads(heads);
    return this.observations.map((o, t) => o.operator.apply(heads[t]));
  }

  /** (G_r − d_r)/σ_r of every datum r (tests in order, sensors in order). */
  whitenedResiduals(heads: Float64Array[]): Float64Array {
    const out = new Float64Array(this.count);
    let r = 0;
    this.predicted(heads).forEach((predicted, t) => {
      const o = this.observations[t];
      for (let i = 0; i < predicted.length; i++) out[r++] = (predicted[i] - o.data[i]) / o.sigma[i];
    });
    return out;
  }

  /**
   * ∂(G_r/σ_r)/∂h of every datum r (tests in order, sensors in order), as heads per test: the rows of
   * the σ-whitened observation operator, whose images through the adjoint are the rows of Ĵ.
   */
  whitenedSensitivities(): Float64Array[][] {
    const rows: Float64Array[][] = [];
    this.observations.forEach((o, t) => {
      for (let i = 0; i < o.operator.count; i++) {
        const unit = new Float64Array(o.operator.count);
        unit[i] = 1 / o.sigma[i];
        rows.push(this.observations.map((_, u) => (u === t ? o.operator.applyTranspose(unit) : this.zeros)));
      }
    });
    return rows;
  }

  private checkHeads(heads: Float64Array[]): void {
    if (heads.length !== this.observations.length) {
      throw new Error(`data misfit: got heads for ${heads.length} tests, expected ${this.observations.length}`);
    }
  }
}
