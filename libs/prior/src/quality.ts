// Statistics that say whether a prior reproduces its training fields: reconstruction
// errors of the VAE and one- and two-point statistics of generated samples.

export const CORRELATION_LAGS = [1, 2, 4, 8];

/** One- and two-point statistics of a set of fields [n, ny, nx]. */
export interface FieldStats {
  mean: number;
  variance: number;
  /** Autocorrelation at lag L cells, averaged over the x and y directions. */
  correlation: Record<string, number>;
  /** Bimaterial only: fraction of cells in the high phase (split at the midpoint). */
  volumeFraction?: number;
  /** Bimaterial only: fraction of cells within 0.1 (ln K) of one of the phases. */
  nearPhase?: number;
}

export function fieldStatistics(
  data: Float32Array,
  ny: number,
  nx: number,
  phases?: [number, number],
  lags: number[] = CORRELATION_LAGS,
): FieldStats {
  const cells = ny * nx;
  const n = data.length / cells;
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum += data[i];
  const mean = sum / data.length;
  let sq = 0;
  for (let i = 0; i < data.length; i++) sq += (data[i] - mean) ** 2;
  const variance = sq / data.length;
  const correlation: Record<string, number> = {};
  for (const lag of lags) {
    // c(L) = E[(Y(x) − m)(Y(x + L) − m)] / var over all pairs along x and along y.
    let acc = 0;
    let pairs = 0;
    for (let f = 0; f < n; f++) {
      const o = f * cells;
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          const a = data[o + j * nx + i] - mean;
          if (i + lag < nx) {
            acc += a * (data[o + j * nx + i + lag] - mean);
            pairs++;
          }
          if (j + lag < ny) {
            acc += a * (data[o + (j + lag) * nx + i] - mean);
            pairs++;
          }
        }
      }
    }
    correlation[String(lag)] = acc / pairs / variance;
  }
  const stats: FieldStats = { mean, variance, correlation };
  if (phases) {
    const [lo, hi] = phases;
    const mid = 0.5 * (lo + hi);
    let high = 0;
    let near = 0;
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (v > mid) high++;
      if (Math.abs(v - lo) <= 0.1 || Math.abs(v - hi) <= 0.1) near++;
    }
    stats.volumeFraction = high / data.length;
    stats.nearPhase = near / data.length;
  }
  return stats;
}

/** Mean over fields of ||a − b|| / ||b|| (b the truth). */
export function meanRelativeL2(a: Float32Array, b: Float32Array, cells: number): number {
  const n = b.length / cells;
  let total = 0;
  for (let f = 0; f < n; f++) {
    let num = 0;
    let den = 0;
    for (let i = f * cells; i < (f + 1) * cells; i++) {
      num += (a[i] - b[i]) ** 2;
      den += b[i] ** 2;
    }
    total += Math.sqrt(num / den);
  }
  return total / n;
}

/**
 * Misclassified-cell fraction of a two-phase (bimaterial) ln K: the fraction of cells on the other side
 * of the midpoint of the phases [low, high] in `estimate` than in `truth` (a stack of fields counts all
 * its cells). Without phases they are the truth's minimum and maximum, which for a two-valued truth are
 * its phases. The one implementation: prior quality figures and the orchestrator's run metrics use it.
 */
export function misclassifiedFraction(estimate: ArrayLike<number>, truth: ArrayLike<number>, phases?: [number, number]): number {
  if (estimate.length !== truth.length) {
    throw new Error(`misclassifiedFraction: estimate has ${estimate.length} values, truth has ${truth.length}`);
  }
  let [low, high] = phases ?? [Infinity, -Infinity];
  if (!phases) {
    for (let i = 0; i < truth.length; i++) {
      low = Math.min(low, truth[i]);
      high = Math.max(high, truth[i]);
    }
  }
  if (!(high > low)) throw new Error(`misclassifiedFraction: phases must differ, got low ${low} and high ${high}`);
  const threshold = 0.5 * (low + high);
  let wrong = 0;
  for (let i = 0; i < truth.length; i++) if (estimate[i] > threshold !== truth[i] > threshold) wrong++;
  return wrong / truth.length;
}

/** The two values of a two-phase data set (its minimum and maximum). */
export function phasesOf(data: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    if (data[i] < lo) lo = data[i];
    if (data[i] > hi) hi = data[i];
  }
  return [lo, hi];
}
