// Per-cell ensemble statistics: mean, sample standard deviation and quantiles.

export interface CellStats {
  mean: Float64Array;
  /** Sample standard deviation (divisor n − 1; 0 for a single member). */
  std: Float64Array;
  q05: Float64Array;
  q50: Float64Array;
  q95: Float64Array;
}

export const QUANTILES = { q05: 0.05, q50: 0.5, q95: 0.95 } as const;

/** Quantile of sorted values by linear interpolation between order statistics (Hyndman & Fan type 7,
 *  NumPy's default), so the maps match `np.quantile` on the members. */
export function sortedQuantile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  const pos = p * (n - 1);
  const i = Math.floor(pos);
  return i + 1 < n ? sorted[i] + (pos - i) * (sorted[i + 1] - sorted[i]) : sorted[n - 1];
}

export function cellStats(members: readonly ArrayLike<number>[]): CellStats {
  const n = members.length;
  if (n === 0) throw new Error('cellStats: no members');
  const cells = members[0].length;
  members.forEach((m, k) => {
    if (m.length !== cells) throw new Error(`cellStats: member ${k} has ${m.length} values, member 0 has ${cells}`);
  });
  const out: CellStats = {
    mean: new Float64Array(cells), std: new Float64Array(cells),
    q05: new Float64Array(cells), q50: new Float64Array(cells), q95: new Float64Array(cells),
  };
  const column = new Float64Array(n);
  for (let c = 0; c < cells; c++) {
    let sum = 0;
    for (let k = 0; k < n; k++) {
      column[k] = members[k][c];
      sum += column[k];
    }
    const mean = sum / n;
    // Two-pass variance: no cancellation when the spread is small next to the mean (heads near 1).
    let ss = 0;
    for (let k = 0; k < n; k++) ss += (column[k] - mean) ** 2;
    column.sort();
    out.mean[c] = mean;
    out.std[c] = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
    out.q05[c] = sortedQuantile(column, QUANTILES.q05);
    out.q50[c] = sortedQuantile(column, QUANTILES.q50);
    out.q95[c] = sortedQuantile(column, QUANTILES.q95);
  }
  return out;
}
