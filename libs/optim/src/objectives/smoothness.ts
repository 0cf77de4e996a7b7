// Smoothness penalty of the pixel method: the discrete Dirichlet energy
//   R(Y) = ½ ∫ |∇Y|² dA ≈ ½ Σ_{interior x-faces} (ΔY)² dy/dx + ½ Σ_{interior y-faces} (ΔY)² dx/dy,
// (a difference quotient squared times the face's area dx·dy). Written as ∫ rather than a bare sum of
// squared differences, the same λ means the same smoothness on every grid resolution.
// No boundary terms: the penalty does not pull ln K towards any value, only towards flatness. On a
// site, faces touching an inactive cell are left out: those cells are not part of the aquifer.

/** The cells the penalty runs over: dx, dy default to the unit square's; `active` nonzero = in. */
export interface SmoothnessGrid {
  nx: number;
  ny: number;
  dx?: number;
  dy?: number;
  active?: ArrayLike<number>;
}

/** R(Y) and, when `grad` is given, writes ∂R/∂Y into it (overwritten). Y is row-major [ny, nx]. */
export function smoothnessPenalty(logK: ArrayLike<number>, grid: SmoothnessGrid, grad?: Float64Array): number {
  const { nx, ny, active } = grid;
  if (logK.length !== nx * ny) throw new Error(`smoothnessPenalty: expected ${nx * ny} values, got ${logK.length}`);
  const wx = grid.dx !== undefined && grid.dy !== undefined ? grid.dy / grid.dx : nx / ny; // dy/dx for x-faces
  const wy = 1 / wx; // dx/dy
  const face = (a: number, b: number) => !active || (active[a] !== 0 && active[b] !== 0);
  if (grad) grad.fill(0);
  let value = 0;
  for (let j = 0; j < ny; j++) {
    const row = j * nx;
    for (let i = 0; i + 1 < nx; i++) {
      if (!face(row + i, row + i + 1)) continue;
      const d = logK[row + i + 1] - logK[row + i];
      value += wx * d * d;
      if (grad) {
        grad[row + i + 1] += wx * d;
        grad[row + i] -= wx * d;
      }
    }
    if (j + 1 < ny) {
      for (let i = 0; i < nx; i++) {
        if (!face(row + i, row + nx + i)) continue;
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
