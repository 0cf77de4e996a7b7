// Two-point flux finite volumes (DESIGN.md, "Numerical conventions"): per cell c,
//   sum_faces T_f (h_c - h_nb) = f_c dx dy + q_c,
// interior T_f = harmonic mean of the two K times face length / centre distance, Dirichlet
// T_f = 2 K_c times face length / dx (half-cell distance, neighbour value = boundary head).
// Also the adjoint of that map: dJ/dlnK from the state h and the adjoint state lambda.
import { valueLayout } from './nested-dissection.ts';
import { cellOf, type BoundarySetup, type DarcyProblem, type Grid, type Well } from './problem.ts';

/** Boundary head of each side (null = no flow) of a setup, and its source density f. */
export interface BoundaryData {
  west: number | null;
  east: number | null;
  south: number | null;
  north: number | null;
  f: number;
}

export const BOUNDARY_SETUPS: Readonly<Record<BoundarySetup, BoundaryData>> = {
  flow: { west: 1, east: 0, south: null, north: null, f: 0 },
  source: { west: 0, east: 0, south: 0, north: 0, f: 1 },
};

/**
 * True when no test has a source (f = 0 and no well pumps): every head is then a ratio of
 * conductances, unchanged when K is scaled, so heads do not fix the level (mean) of ln K.
 */
export function logKLevelFree(problem: DarcyProblem): boolean {
  return BOUNDARY_SETUPS[problem.bc].f === 0 && problem.tests.every((wells) => wells.every((w) => w.rate === 0));
}

/**
 * Matrix values in the layout of valueLayout: diagonal sum of T of every cell, then -T of every
 * x-face and y-face. The harmonic mean is written 2 / (1/Ka + 1/Kb) so that contrasts near the
 * float64 range do not overflow the product Ka Kb.
 */
export function assembleValues(grid: Grid, bc: BoundarySetup, K: Float64Array): Float64Array {
  const { nx, ny } = grid;
  const { xFace0, yFace0, size } = valueLayout(nx, ny);
  const v = new Float64Array(size);
  const gx = nx / ny; // dy / dx: x-face length over centre distance
  const gy = ny / nx; // dx / dy
  const s = BOUNDARY_SETUPS[bc];
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const c = j * nx + i;
      const k = K[c];
      if (i < nx - 1) {
        const t = (2 * gx) / (1 / k + 1 / K[c + 1]);
        v[xFace0 + j * (nx - 1) + i] = -t;
        v[c] += t;
        v[c + 1] += t;
      }
      if (j < ny - 1) {
        const t = (2 * gy) / (1 / k + 1 / K[c + nx]);
        v[yFace0 + j * nx + i] = -t;
        v[c] += t;
        v[c + nx] += t;
      }
      if (i === 0 && s.west !== null) v[c] += 2 * k * gx;
      if (i === nx - 1 && s.east !== null) v[c] += 2 * k * gx;
      if (j === 0 && s.south !== null) v[c] += 2 * k * gy;
      if (j === ny - 1 && s.north !== null) v[c] += 2 * k * gy;
    }
  }
  return v;
}

/** Right-hand side of one test: f dx dy + Dirichlet terms T_f h_B + well rates. `source` overrides
 *  the setup's source density f cell by cell (used by manufactured-solution tests). */
export function assembleRhs(
  grid: Grid, bc: BoundarySetup, K: Float64Array, wells: readonly Well[], source?: ArrayLike<number>,
): Float64Array {
  const { nx, ny } = grid;
  const s = BOUNDARY_SETUPS[bc];
  const b = new Float64Array(nx * ny);
  const area = 1 / (nx * ny);
  for (let c = 0; c < nx * ny; c++) b[c] = (source ? source[c] : s.f) * area;
  const gx = nx / ny;
  const gy = ny / nx;
  for (let j = 0; j < ny; j++) {
    if (s.west) b[j * nx] += 2 * K[j * nx] * gx * s.west;
    if (s.east) b[j * nx + nx - 1] += 2 * K[j * nx + nx - 1] * gx * s.east;
  }
  for (let i = 0; i < nx; i++) {
    if (s.south) b[i] += 2 * K[i] * gy * s.south;
    if (s.north) b[(ny - 1) * nx + i] += 2 * K[(ny - 1) * nx + i] * gy * s.north;
  }
  for (const w of wells) b[cellOf(grid, w.x, w.y)] += w.rate;
  return b;
}

/**
 * Adds dJ/dlnK for one test to `grad`, given the state h and the adjoint state lambda (A lambda = dJ/dh).
 * With the residual R(h, T) = A(T) h - b(T) = 0, dJ/dT_f = -lambda . dR/dT_f: for an interior face
 * -(lambda_a - lambda_b)(h_a - h_b), for a Dirichlet face -lambda_c (h_c - h_B). Chain rule:
 * dT/dlnK_a = T K_b / (K_a + K_b) (harmonic mean), dT/dlnK_c = T (Dirichlet face).
 */
export function accumulateGradLogK(
  grid: Grid, bc: BoundarySetup, K: Float64Array, h: Float64Array, lambda: Float64Array, grad: Float64Array,
): void {
  const { nx, ny } = grid;
  const gx = nx / ny;
  const gy = ny / nx;
  const s = BOUNDARY_SETUPS[bc];
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const c = j * nx + i;
      const ka = K[c];
      if (i < nx - 1) {
        const kb = K[c + 1];
        const t = (2 * gx) / (1 / ka + 1 / kb);
        const g = -(lambda[c] - lambda[c + 1]) * (h[c] - h[c + 1]) * t;
        const wa = kb / (ka + kb);
        grad[c] += g * wa;
        grad[c + 1] += g * (1 - wa);
      }
      if (j < ny - 1) {
        const kb = K[c + nx];
        const t = (2 * gy) / (1 / ka + 1 / kb);
        const g = -(lambda[c] - lambda[c + nx]) * (h[c] - h[c + nx]) * t;
        const wa = kb / (ka + kb);
        grad[c] += g * wa;
        grad[c + nx] += g * (1 - wa);
      }
      const lc = lambda[c];
      const hc = h[c];
      if (i === 0 && s.west !== null) grad[c] -= lc * (hc - s.west) * 2 * ka * gx;
      if (i === nx - 1 && s.east !== null) grad[c] -= lc * (hc - s.east) * 2 * ka * gx;
      if (j === 0 && s.south !== null) grad[c] -= lc * (hc - s.south) * 2 * ka * gy;
      if (j === ny - 1 && s.north !== null) grad[c] -= lc * (hc - s.north) * 2 * ka * gy;
    }
  }
}

/**
 * Net outflow through the Dirichlet faces, sum_f T_f (h_c - h_B), for conservation checks: it equals
 * the total source sum_c (f_c dx dy + q_c) when h solves the system.
 */
export function boundaryOutflow(grid: Grid, bc: BoundarySetup, K: Float64Array, h: Float64Array): number {
  const { nx, ny } = grid;
  const s = BOUNDARY_SETUPS[bc];
  const gx = nx / ny;
  const gy = ny / nx;
  let out = 0;
  for (let j = 0; j < ny; j++) {
    const w = j * nx;
    const e = w + nx - 1;
    if (s.west !== null) out += 2 * K[w] * gx * (h[w] - s.west);
    if (s.east !== null) out += 2 * K[e] * gx * (h[e] - s.east);
  }
  for (let i = 0; i < nx; i++) {
    const n = (ny - 1) * nx + i;
    if (s.south !== null) out += 2 * K[i] * gy * (h[i] - s.south);
    if (s.north !== null) out += 2 * K[n] * gy * (h[n] - s.north);
  }
  return out;
}
