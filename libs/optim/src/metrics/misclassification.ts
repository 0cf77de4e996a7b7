// Misclassified-cell fraction for bimaterial fields: both fields are cut at the midpoint of the two
// phase values (by default the truth's min and max, which for a bimaterial truth are its two phases)
// and the fraction of cells whose phase differs is reported.

export interface Phases {
  low: number;
  high: number;
}

/** Fraction of cells on the other side of (low + high)/2 in estimate than in truth (ln K values). */
export function misclassifiedFraction(estimate: ArrayLike<number>, truth: ArrayLike<number>, phases?: Phases): number {
  if (estimate.length !== truth.length) {
    throw new Error(`misclassifiedFraction: estimate has ${estimate.length} values, truth has ${truth.length}`);
  }
  let { low, high } = phases ?? { low: Infinity, high: -Infinity };
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
