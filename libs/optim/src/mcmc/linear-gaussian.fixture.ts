// A linear-Gaussian inverse problem whose posterior is known in closed form, for the samplers' tests:
// ξ ∈ R^40 with prior N(0, I), 8 noisy linear observations y = Aξ + e, e ~ N(0, σ²); the posterior is
// N(μ, Σ) with Σ⁻¹ = I + AᵀA/σ², μ = Σ Aᵀy/σ².
import { createRng } from '@ldinv/tensor';

/** Solves the symmetric positive definite system P x = b by Cholesky (dense, small n). */
function solveSpd(P: Float64Array[], b: Float64Array): Float64Array {
  const n = b.length;
  const L = P.map(() => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = P[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      L[i][j] = i === j ? Math.sqrt(s) : s / L[j][j];
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i][k] * y[k];
    y[i] = s / L[i][i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= L[k][i] * x[k];
    x[i] = s / L[i][i];
  }
  return x;
}

export function linearGaussianProblem() {
  const d = 40;
  const m = 8;
  const sigma = 0.2;
  const rng = createRng(11);
  const A = Array.from({ length: m }, () => Float64Array.from({ length: d }, () => rng.normal() / Math.sqrt(d)));
  const xiTrue = Float64Array.from({ length: d }, () => rng.normal());
  const y = A.map((row) => row.reduce((s, a, i) => s + a * xiTrue[i], 0) + sigma * rng.normal());
  /** σ-whitened residuals (Aξ − y)/σ. */
  const residuals = (xi: Float64Array) => Float64Array.from(A, (row, r) => (row.reduce((s, a, i) => s + a * xi[i], 0) - y[r]) / sigma);
  /** Φ(ξ) = ½|Aξ − y|²/σ² and its gradient. */
  const potential = (xi: Float64Array) => {
    const r = residuals(xi);
    const gradient = new Float64Array(d);
    A.forEach((row, k) => row.forEach((a, i) => (gradient[i] += (a * r[k]) / sigma)));
    return { value: 0.5 * r.reduce((s, v) => s + v * v, 0), gradient };
  };
  const precision = Array.from({ length: d }, (_, i) =>
    Float64Array.from({ length: d }, (_, j) => (i === j ? 1 : 0) + A.reduce((s, row) => s + (row[i] * row[j]) / (sigma * sigma), 0)),
  );
  const exactMean = solveSpd(precision, Float64Array.from({ length: d }, (_, i) => A.reduce((s, row, r) => s + (row[i] * y[r]) / (sigma * sigma), 0)));
  // Directions to test: a data-informed one (the first row of A: posterior variance 0.032, the smallest is 0.020) and two coordinates.
  const directions = [Float64Array.from(A[0], (a) => a / Math.hypot(...A[0])), ...[0, 7].map((k) => Float64Array.from({ length: d }, (_, i) => (i === k ? 1 : 0)))];
  const exactVariance = directions.map((u) => u.reduce((s, ui, i) => s + ui * solveSpd(precision, u)[i], 0));
  /** Rows of the whitened Jacobian A/σ. */
  const jacobianRows = A.map((row) => Float64Array.from(row, (a) => a / sigma));
  return { d, A, sigma, potential, residuals, jacobianRows, exactMean, directions, exactVariance };
}
