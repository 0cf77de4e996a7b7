// Smoothness penalty of the pixel method: the discrete Dirichlet energy
//   R(Y) = ½ ∫ |∇Y|² dA ≈ ½ Σ_{interior x-faces} (ΔY)² dy/dx + ½ Σ_{interior y-faces} (ΔY)² dx/dy,
// (a difference quotient squared times the face's area dx·dy). Written as ∫ rather than a bare sum of
// squared differences, the same λ means the same smoothness on every grid resolution.
// No boundary terms: the penalty does not pull ln K towards any value, only towards flatness.

/** R(Y) and, when `grad` is given, writes ∂R/∂Y into it (overwritten). Y is row-major [ny, nx]. */
export function smoothnessPenalty(logK: ArrayLike<number>, grid: { nx: number; ny: number }, grad?: Float64Array): number {
  const { nx, ny } = grid;
  if (logK.length !== nx * ny) throw new Error(`smoothnessPenalty: expected ${nx * ny} values, got ${logK.length}`);
  const wx = nx / ny; // dy/dx for x-faces, with dx = 1/nx, dy = 1/ny
  const wy = ny / nx; // dx/dy
  if (grad) grad.fill(0);
  let value = 0;
  for (let j = 0; j < ny; j++) {
    const row = j * nx;
    for (let i = 0; i + 1 < nx; i++) {
      const d = logK[row + i + 1] - logK[row + i];
      value += wx * d * d;
      if (grad) {
        grad[row + i + 1] += wx * d;
        grad[row + i] -= wx * d;
      }
    }
    if (j + 1 < ny) {
      for (let i = 0; i < nx; i++) {
        const d = logK[row + nx + i] - logK[row + i];
        value += wy * d * d;
        if (grad) {
          grad[row + nx + i] += wy * d;
          grad[row + i] -= wy * d;
        }
      }
    }
  }
  return 0.5 * value;
}
