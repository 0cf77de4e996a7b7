// Exact sampling of a stationary Gaussian field on a regular grid by circulant embedding
// (Dietrich & Newsam 1997; Wood & Chan 1994). The grid's covariance matrix is a block of a block-circulant
// matrix on an mx x my torus, diagonalised by the 2-D DFT: C_torus = F* diag(lambda) F / N with
// lambda = F c (c = first column, N = mx my). With noise xi of unit variance per mode,
// Y = F diag(sqrt(lambda / N)) xi has covariance C_torus; restricted to the grid that is exactly the
// covariance wanted, provided every lambda >= 0. The torus is at least twice the grid on each axis, so no
// lag within the grid wraps around (no periodic artefacts), and is doubled until clipping the negative
// eigenvalues left by a truncated kernel changes the covariance by at most COVARIANCE_TOLERANCE.
import FFT from 'fft.js';
import type { Grid } from '@ldinv/solver';
import type { Rng } from '@ldinv/tensor';
import { covarianceFunction, type Covariance } from './covariance.ts';
import { fillNormal } from './streams.ts';

/**
 * Negative eigenvalues are set to zero once the covariance error that this causes is at most this fraction
 * of the variance (far below any sampling error: 1e-5 needs ~1e10 samples to detect); until then the torus
 * is doubled. Exponential, l = 0.2: exact (no negative eigenvalue) on the 2n torus at n = 64.
 */
const COVARIANCE_TOLERANCE = 1e-5;
/** Largest torus tried (cells); beyond it the length scale is far too long for the grid. */
const MAX_TORUS_CELLS = 1 << 24;

function nextPow2(n: number): number {
  let p = 2;
  while (p < n) p *= 2;
  return p;
}

/** In-place 2-D complex DFT (forward) of an interleaved [my, mx] array, by rows then columns. */
function fft2(buf: Float64Array, mx: number, my: number): void {
  const fx = new FFT(mx);
  const fy = new FFT(my);
  const row = new Float64Array(2 * mx);
  const colIn = new Float64Array(2 * my);
  const colOut = new Float64Array(2 * my);
  for (let j = 0; j < my; j++) {
    row.set(buf.subarray(2 * j * mx, 2 * (j + 1) * mx));
    fx.transform(buf.subarray(2 * j * mx, 2 * (j + 1) * mx), row);
  }
  for (let i = 0; i < mx; i++) {
    for (let j = 0; j < my; j++) {
      colIn[2 * j] = buf[2 * (j * mx + i)];
      colIn[2 * j + 1] = buf[2 * (j * mx + i) + 1];
    }
    fy.transform(colOut, colIn);
    for (let j = 0; j < my; j++) {
      buf[2 * (j * mx + i)] = colOut[2 * j];
      buf[2 * (j * mx + i) + 1] = colOut[2 * j + 1];
    }
  }
}

/** Signed lag of torus index k (of m) on a grid of spacing h; both signs at the Nyquist index. */
function lags(k: number, m: number, h: number): number[] {
  if (2 * k === m) return [k * h, -k * h];
  return [(2 * k < m ? k : k - m) * h];
}

export class CirculantEmbedding {
  readonly grid: Grid;
  /** Torus size actually used. */
  readonly mx: number;
  readonly my: number;
  /** Bound on |covariance error| / variance from clipping negative eigenvalues (0: exact). */
  readonly covarianceErrorBound: number;
  private readonly scale: Float64Array; // sqrt(max(lambda, 0) / N) per torus mode
  private readonly fx: FFT;
  private readonly fy: FFT;
  private readonly work: Float64Array; // interleaved complex [my/2 + 1, mx]: rows transformed along x
  private readonly rows: Float64Array[];
  private readonly noise: Float64Array; // N standard normal draws per sample
  private readonly rowIn: Float64Array;
  private readonly colIn: Float64Array;
  private readonly colOut: Float64Array;
  private whiteWork: Float64Array | null = null; // interleaved complex torus, allocated on first use

  constructor(grid: Grid, covariance: Covariance) {
    this.grid = grid;
    const cov = covarianceFunction(covariance);
    const dx = 1 / grid.nx;
    const dy = 1 / grid.ny;
    let mx = nextPow2(2 * grid.nx);
    let my = nextPow2(2 * grid.ny);
    for (;;) {
      const lambda = new Float64Array(2 * mx * my);
      for (let j = 0; j < my; j++) {
        const hys = lags(j, my, dy);
        for (let i = 0; i < mx; i++) {
          // Averaging over both signs at Nyquist indices keeps c even on the torus (c[-k] = c[k]), so that
          // lambda is real even for rotated kernels, where C(hx, hy) != C(-hx, hy).
          const hxs = lags(i, mx, dx);
          let s = 0;
          for (const hy of hys) for (const hx of hxs) s += cov(hx, hy);
          lambda[2 * (j * mx + i)] = s / (hxs.length * hys.length);
        }
      }
      fft2(lambda, mx, my);
      // Clipping negative eigenvalues changes every torus covariance entry by at most
      // sum(max(-lambda, 0)) / N, against a variance of sum(lambda) / N.
      let negative = 0;
      let total = 0;
      for (let k = 0; k < mx * my; k++) {
        const l = lambda[2 * k];
        total += l;
        if (l < 0) negative -= l;
      }
      const bound = negative / total;
      if (bound <= COVARIANCE_TOLERANCE || 4 * mx * my > MAX_TORUS_CELLS) {
        if (bound > COVARIANCE_TOLERANCE) {
          throw new Error(
            `circulant embedding: negative eigenvalues (covariance error up to ${bound.toExponential(1)} of the ` +
              `variance) up to a ${mx}x${my} torus; the correlation length is too long for a ` +
              `${grid.nx}x${grid.ny} grid`,
          );
        }
        this.covarianceErrorBound = bound;
        this.scale = new Float64Array(mx * my);
        for (let k = 0; k < mx * my; k++) this.scale[k] = Math.sqrt(Math.max(lambda[2 * k], 0) / (mx * my));
        break;
      }
      mx *= 2;
      my *= 2;
    }
    this.mx = mx;
    this.my = my;
    this.fx = new FFT(mx);
    this.fy = new FFT(my);
    this.work = new Float64Array(2 * mx * (my / 2 + 1));
    this.rows = Array.from({ length: my / 2 + 1 }, (_, j) => this.work.subarray(2 * j * mx, 2 * (j + 1) * mx));
    this.noise = new Float64Array(mx * my);
    this.rowIn = new Float64Array(2 * mx);
    this.colIn = new Float64Array(2 * my);
    this.colOut = new Float64Array(2 * my);
  }

  /**
   * One zero-mean sample on the grid, row-major [ny, nx], written into `out`. The noise is Hermitian
   * (xi[-k] = conj xi[k], E|xi[k]|^2 = 1, distinct modes uncorrelated), so Y = F diag(sqrt(lambda / N)) xi is
   * real with covariance C_torus and costs N normal draws instead of the 2N of complex noise; a sample is a
   * function of its own stream alone (field i of a dataset depends only on (seed, i)).
   * Hermitian symmetry also halves the transforms: the x-transform of row my - j is the conjugate of that
   * of row j, so only rows 0..my/2 are transformed; and every column's y-transform is real, so two columns
   * go through one complex transform (FFT(a + ib) = FFT(a) + i FFT(b) with both real).
   */
  sampleInto(rng: Rng, out: Float64Array): Float64Array {
    const { mx, my, scale, noise, work, rowIn, colIn, colOut } = this;
    const { nx, ny } = this.grid;
    const half = my / 2;
    fillNormal(rng, noise);
    let draw = 0;
    for (let j = 0; j <= half; j++) {
      const base = j * mx;
      if (j === 0 || j === half) {
        // Self-conjugate rows: modes i and mx - i are partners; i = 0 and mx/2 carry one real draw.
        for (let i = 0; i <= mx / 2; i++) {
          const ip = i === 0 ? 0 : mx - i;
          if (i === ip || 2 * i === mx) {
            rowIn[2 * i] = scale[base + i] * noise[draw++];
            rowIn[2 * i + 1] = 0;
          } else {
            const a = noise[draw++] * Math.SQRT1_2;
            const b = noise[draw++] * Math.SQRT1_2;
            rowIn[2 * i] = scale[base + i] * a;
            rowIn[2 * i + 1] = scale[base + i] * b;
            rowIn[2 * ip] = scale[base + ip] * a;
            rowIn[2 * ip + 1] = -scale[base + ip] * b;
          }
        }
      } else {
        // Rows 0 < j < my/2 are free; their partners my - j are implied by the symmetry.
        for (let i = 0; i < mx; i++) {
          rowIn[2 * i] = scale[base + i] * noise[draw++] * Math.SQRT1_2;
          rowIn[2 * i + 1] = scale[base + i] * noise[draw++] * Math.SQRT1_2;
        }
      }
      this.fx.transform(this.rows[j], rowIn);
    }
    for (let i = 0; i < nx; i += 2) {
      const pair = i + 1 < nx;
      for (let j = 0; j < my; j++) {
        const src = j <= half ? j : my - j;
        const sign = j <= half ? 1 : -1;
        const k = 2 * (src * mx + i);
        colIn[2 * j] = work[k] - (pair ? sign * work[k + 3] : 0);
        colIn[2 * j + 1] = sign * work[k + 1] + (pair ? work[k + 2] : 0);
      }
      this.fy.transform(colOut, colIn);
      for (let j = 0; j < ny; j++) {
        out[j * nx + i] = colOut[2 * j];
        if (pair) out[j * nx + i + 1] = colOut[2 * j + 1];
      }
    }
    return out;
  }

  /** Length of the white noise that applyWhite maps: a complex draw (real part, then imaginary part) per torus mode. */
  get whiteDimension(): number {
    return 2 * this.mx * this.my;
  }

  /**
   * The linear map A with A Aᵀ = the grid's covariance, for inversion in whitened coordinates (a Gaussian
   * prior ½|ξ|² on ξ, ln K = mean + A ξ): A ξ = Re F diag(sqrt(lambda / N)) (ξ_re + i ξ_im) restricted to the
   * grid. With complex noise, E[Re Y Re Yᵀ] = ½ F S² Fᴴ · E|ξ_k|² = C_torus; unlike sampleInto it needs no
   * Hermitian pairing, so its transpose is one more transform. Writes row-major [ny, nx] into `out`.
   */
  applyWhite(xi: ArrayLike<number>, out: Float64Array): Float64Array {
    const { mx, my, scale } = this;
    const { nx, ny } = this.grid;
    const n = mx * my;
    if (xi.length !== 2 * n) throw new Error(`applyWhite: noise must hold ${2 * n} values, got ${xi.length}`);
    const work = this.whiteBuffer();
    for (let k = 0; k < n; k++) {
      work[2 * k] = scale[k] * xi[k];
      work[2 * k + 1] = scale[k] * xi[n + k];
    }
    fft2(work, mx, my);
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) out[j * nx + i] = work[2 * (j * mx + i)];
    return out;
  }

  /** Aᵀ g of applyWhite (g on the grid, row-major): F is symmetric, so Aᵀ g = [S Re F g̃, −S Im F g̃], g̃ = g zero-padded. */
  applyWhiteTranspose(g: ArrayLike<number>, out: Float64Array): Float64Array {
    const { mx, my, scale } = this;
    const { nx, ny } = this.grid;
    const n = mx * my;
    if (g.length !== nx * ny) throw new Error(`applyWhiteTranspose: field must hold ${nx * ny} values, got ${g.length}`);
    const work = this.whiteBuffer();
    work.fill(0);
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) work[2 * (j * mx + i)] = g[j * nx + i];
    fft2(work, mx, my);
    for (let k = 0; k < n; k++) {
      out[k] = scale[k] * work[2 * k];
      out[n + k] = -scale[k] * work[2 * k + 1];
    }
    return out;
  }

  private whiteBuffer(): Float64Array {
    this.whiteWork ??= new Float64Array(2 * this.mx * this.my);
    return this.whiteWork;
  }
}
