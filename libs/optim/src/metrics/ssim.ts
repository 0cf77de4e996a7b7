// Structural similarity (Wang, Bovik, Sheikh & Simoncelli 2004, eq. 13) of an ln K estimate against
// the truth, with the paper's reference settings: an 11x11 Gaussian window of σ = 1.5 cells,
// C1 = (0.01 L)², C2 = (0.03 L)². L is the dynamic range (max − min) of the TRUTH, because ln K has
// no fixed range like 8-bit images (L = 255); taking it from the truth keeps the score independent
// of how wild the estimate is. Boundary: 'valid' — the local statistics are computed only where the
// whole window lies inside the grid (as the reference ssim_index.m, filter2(..., 'valid')), so no
// padding invents values; the score is the mean of the SSIM map over those (ny−10)(nx−10) positions.
// Grids smaller than the window are rejected. On a site, windows that hold an inactive cell are left
// out of the mean, as the padding is.

export interface SsimOptions {
  /** Window side in cells (odd). Default 11. */
  windowSize?: number;
  /** Gaussian window standard deviation in cells. Default 1.5. */
  sigma?: number;
  /** Dynamic range L; default max(truth) − min(truth) over the active cells. */
  dynamicRange?: number;
  /** Active cells of a site (nonzero = active): windows that hold an inactive cell are left out. */
  active?: ArrayLike<number>;
}

function gaussianWindow(size: number, sigma: number): Float64Array {
  const w = new Float64Array(size);
  const r = (size - 1) / 2;
  let sum = 0;
  for (let i = 0; i < size; i++) {
    w[i] = Math.exp(-((i - r) ** 2) / (2 * sigma * sigma));
    sum += w[i];
  }
  for (let i = 0; i < size; i++) w[i] /= sum;
  return w;
}

/** Separable 'valid' filtering of the product a·b (b = null: of a) -> [(ny−s+1), (nx−s+1)]. */
function filterValid(
  a: ArrayLike<number>, b: ArrayLike<number> | null, nx: number, ny: number, w: Float64Array,
): Float64Array {
  const s = w.length;
  const ox = nx - s + 1;
  const oy = ny - s + 1;
  const rows = new Float64Array(ny * ox);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < ox; i++) {
      let acc = 0;
      for (let k = 0; k < s; k++) {
        const c = j * nx + i + k;
        acc += w[k] * (b === null ? a[c] : a[c] * b[c]);
      }
      rows[j * ox + i] = acc;
    }
  }
  const out = new Float64Array(oy * ox);
  for (let j = 0; j < oy; j++) {
    for (let i = 0; i < ox; i++) {
      let acc = 0;
      for (let k = 0; k < s; k++) acc += w[k] * rows[(j + k) * ox + i];
      out[j * ox + i] = acc;
    }
  }
  return out;
}

/** Mean SSIM of `estimate` against `truth`, both row-major [ny, nx]. 1 for identical fields; NaN when
 *  no window lies wholly in the active cells. */
export function ssim(
  estimate: ArrayLike<number>, truth: ArrayLike<number>, grid: { nx: number; ny: number }, options: SsimOptions = {},
): number {
  const { nx, ny } = grid;
  const size = options.windowSize ?? 11;
  const sigma = options.sigma ?? 1.5;
  if (estimate.length !== nx * ny || truth.length !== nx * ny) {
    throw new Error(`ssim: expected ${nx * ny} values for a ${ny}x${nx} grid, got ${estimate.length} and ${truth.length}`);
  }
  if (nx < size || ny < size) throw new Error(`ssim: grid ${ny}x${nx} is smaller than the ${size}x${size} window`);
  let range = options.dynamicRange;
  if (range === undefined) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < truth.length; i++) {
      if (options.active && options.active[i] === 0) continue;
      lo = Math.min(lo, truth[i]);
      hi = Math.max(hi, truth[i]);
    }
    range = hi - lo;
  }
  if (!(range > 0)) throw new Error(`ssim: dynamic range must be > 0, got ${range} (constant truth?)`);
  const c1 = (0.01 * range) ** 2;
  const c2 = (0.03 * range) ** 2;
  const w = gaussianWindow(size, sigma);
  const mx = filterValid(estimate, null, nx, ny, w);
  const my = filterValid(truth, null, nx, ny, w);
  const mxx = filterValid(estimate, estimate, nx, ny, w);
  const myy = filterValid(truth, truth, nx, ny, w);
  const mxy = filterValid(estimate, truth, nx, ny, w);
  // Weight of inactive cells in each window (> 0 when the window holds one: the weights are all > 0).
  const blocked = options.active ? filterValid(Float64Array.from(options.active, (a) => (a === 0 ? 1 : 0)), null, nx, ny, w) : null;
  let sum = 0;
  let count = 0;
  for (let p = 0; p < mx.length; p++) {
    if (blocked && blocked[p] > 0) continue;
    count++;
    const vx = mxx[p] - mx[p] * mx[p];
    const vy = myy[p] - my[p] * my[p];
    const cxy = mxy[p] - mx[p] * my[p];
    sum += ((2 * mx[p] * my[p] + c1) * (2 * cxy + c2)) / ((mx[p] ** 2 + my[p] ** 2 + c1) * (vx + vy + c2));
  }
  // No window wholly active (a site narrower than the window): the score is undefined, not an error.
  return count === 0 ? Number.NaN : sum / count;
}
