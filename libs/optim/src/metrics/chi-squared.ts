// Data misfit per datum χ²/M = Σ_tests Σ_i ((h_i − d_i)/σ_i)² / M. With the right σ and a model that
// fits to the noise level its expectation is 1 (discrepancy principle); it is twice the data-misfit
// objective of objectives/data-misfit.ts.

/** χ²/M from predicted values, data and σ, each given per test. */
export function chiSquaredPerDatum(
  predicted: ArrayLike<number>[], data: ArrayLike<number>[], sigma: ArrayLike<number>[],
): number {
  if (predicted.length !== data.length || sigma.length !== data.length) {
    throw new Error(`chiSquaredPerDatum: got ${predicted.length} predicted, ${data.length} data and ${sigma.length} sigma tests`);
  }
  let sum = 0;
  let count = 0;
  for (let t = 0; t < data.length; t++) {
    const p = predicted[t];
    const d = data[t];
    const s = sigma[t];
    if (p.length !== d.length || s.length !== d.length) {
      throw new Error(`chiSquaredPerDatum test ${t}: got ${p.length} predicted, ${d.length} data and ${s.length} sigma values`);
    }
    for (let i = 0; i < d.length; i++) sum += ((p[i] - d[i]) / s[i]) ** 2;
    count += d.length;
  }
  if (count === 0) throw new Error('chiSquaredPerDatum: no data');
  return sum / count;
}
