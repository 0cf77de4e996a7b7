import { tf } from '@ldinv/tensor';

/**
 * Why: the VAE's latents of a spatially correlated field are themselves correlated, so
 * their covariance has a few huge eigenvalues (~100x the mean for gaussian-64). DDIM's
 * first-order steps shrink such modes: with the exact ε of a Gaussian N(0, λ), 50 steps
 * keep only ~80 % of the variance of a λ = 100 mode, against 95.6 % at λ = 1. Whitening
 * the latents makes every mode λ ≈ 1 (and makes N(0, I) the right prior for the latent
 * `vae` baseline). Stationary latents are nearly decorrelated across frequencies by a 2-D
 * DCT, so the map is z = iDCT(W_k · DCT(u − m)) with an 8x8-or-so W_k = C_k^(−1/2) per
 * frequency k (C_k the channel covariance of the DCT coefficients there): linear,
 * invertible, differentiable, and z keeps its [h, w, c] layout for the convolutional
 * denoiser.
 */

/** Orthonormal DCT-II matrix D [n, n]: (D x)_p = Σ_i D[p, i] x_i, D Dᵀ = I. */
export function dctMatrix(n: number): Float32Array {
  const d = new Float32Array(n * n);
  for (let p = 0; p < n; p++) {
    const s = p === 0 ? Math.sqrt(1 / n) : Math.sqrt(2 / n);
    for (let i = 0; i < n; i++) d[p * n + i] = s * Math.cos((Math.PI * (i + 0.5) * p) / n);
  }
  return d;
}

/** Eigen-decomposition of a symmetric matrix A [n, n] (cyclic Jacobi): A = V diag(w) Vᵀ. */
export function symmetricEigen(a: Float64Array, n: number): { w: Float64Array; v: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (m[q * n + q] - m[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p];
          const mkq = m[k * n + q];
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k];
          const mqk = m[q * n + k];
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = m[i * n + i];
  return { w, v };
}

/** The fitted map as plain arrays: mean latent m [h, w, c], whitening W and colouring W⁻¹ [h·w, c, c]. */
export interface WhiteningArrays {
  mean: Float32Array;
  whiten: Float32Array;
  colour: Float32Array;
}

/** Separable 2-D DCT over (h, w) of u [N, h, w, c] in float64 (fitting only). */
function dct2(u: Float32Array, n: number, h: number, w: number, c: number, mean: Float64Array): Float64Array {
  const dh = dctMatrix(h);
  const dw = dctMatrix(w);
  const out = new Float64Array(n * h * w * c);
  const tmp = new Float64Array(h * w * c);
  for (let f = 0; f < n; f++) {
    const o = f * h * w * c;
    tmp.fill(0);
    // Along w: tmp[i, q, ch] = Σ_j D_w[q, j] (u[i, j, ch] − m_ch).
    for (let i = 0; i < h; i++)
      for (let q = 0; q < w; q++)
        for (let j = 0; j < w; j++) {
          const d = dw[q * w + j];
          for (let ch = 0; ch < c; ch++) tmp[(i * w + q) * c + ch] += d * (u[o + (i * w + j) * c + ch] - mean[(i * w + j) * c + ch]);
        }
    // Along h: out[p, q, ch] = Σ_i D_h[p, i] tmp[i, q, ch].
    for (let p = 0; p < h; p++)
      for (let i = 0; i < h; i++) {
        const d = dh[p * h + i];
        for (let k = 0; k < w * c; k++) out[o + p * w * c + k] += d * tmp[i * w * c + k];
      }
  }
  return out;
}

/**
 * Fits the whitening to latents u [N, h, w, c]: mean latent, then per DCT frequency
 * the channel covariance C_k, W_k = (C_k + δI)^(−1/2) and W_k⁻¹ = (C_k + δI)^(1/2), with
 * δ = 1e-6 of the mean eigenvalue so unused latent directions are not amplified without bound.
 */
export function fitWhitening(u: Float32Array, h: number, w: number, c: number): WhiteningArrays {
  const size = h * w * c;
  const n = u.length / size;
  // The mean is per cell: latents near the boundary (zero padding) differ from those inside.
  const mean = new Float64Array(size);
  for (let i = 0; i < u.length; i++) mean[i % size] += u[i];
  for (let i = 0; i < size; i++) mean[i] /= n;
  const U = dct2(u, n, h, w, c, mean);
  const cov = new Float64Array(h * w * c * c);
  for (let f = 0; f < n; f++) {
    for (let k = 0; k < h * w; k++) {
      const o = f * size + k * c;
      for (let a = 0; a < c; a++) for (let b = 0; b < c; b++) cov[k * c * c + a * c + b] += U[o + a] * U[o + b];
    }
  }
  let trace = 0;
  for (let k = 0; k < h * w; k++) for (let a = 0; a < c; a++) trace += cov[k * c * c + a * c + a] / n;
  const delta = (1e-6 * trace) / (h * w * c);
  const whiten = new Float32Array(h * w * c * c);
  const colour = new Float32Array(h * w * c * c);
  for (let k = 0; k < h * w; k++) {
    const ck = new Float64Array(c * c);
    for (let i = 0; i < c * c; i++) ck[i] = cov[k * c * c + i] / n;
    for (let a = 0; a < c; a++) ck[a * c + a] += delta;
    const { w: ev, v } = symmetricEigen(ck, c);
    for (let a = 0; a < c; a++)
      for (let b = 0; b < c; b++) {
        let sw = 0;
        let sc = 0;
        for (let e = 0; e < c; e++) {
          const l = Math.max(ev[e], delta);
          sw += (v[a * c + e] * v[b * c + e]) / Math.sqrt(l);
          sc += v[a * c + e] * v[b * c + e] * Math.sqrt(l);
        }
        whiten[k * c * c + a * c + b] = sw;
        colour[k * c * c + a * c + b] = sc;
      }
  }
  return { mean: Float32Array.from(mean), whiten, colour };
}

/** The fitted whitening as tensors, applied to batches [B, h, w, c]. */
export class LatentWhitening {
  readonly mean: tf.Tensor3D;
  /** [h·w, c, c] */
  readonly whiten: tf.Tensor3D;
  readonly colour: tf.Tensor3D;
  private readonly dh: tf.Tensor2D;
  private readonly dw: tf.Tensor2D;

  constructor(
    readonly shape: [number, number, number],
    arrays: WhiteningArrays,
  ) {
    const [h, w, c] = shape;
    this.mean = tf.tensor3d(arrays.mean, [h, w, c]);
    this.whiten = tf.tensor3d(arrays.whiten, [h * w, c, c]);
    this.colour = tf.tensor3d(arrays.colour, [h * w, c, c]);
    this.dh = tf.tensor2d(dctMatrix(h), [h, h]);
    this.dw = tf.tensor2d(dctMatrix(w), [w, w]);
  }

  /** Named tensors for the weights file. */
  tensors(): Map<string, tf.Tensor> {
    return new Map<string, tf.Tensor>([
      ['latent/mean', this.mean],
      ['latent/whiten', this.whiten],
      ['latent/colour', this.colour],
    ]);
  }

  /** y[b, p, q, c] = Σ_ij Dh[p, i] Dw[q, j] x[b, i, j, c] (or the inverse transform). */
  private dct(x: tf.Tensor4D, inverse: boolean): tf.Tensor4D {
    const [b, h, w, c] = x.shape;
    // Along h: treat (b, w, c) as columns.
    const xh = tf.reshape(tf.transpose(x, [1, 0, 2, 3]), [h, b * w * c]);
    const yh = tf.transpose(tf.reshape(tf.matMul(this.dh, xh, inverse, false), [h, b, w, c]), [1, 0, 2, 3]);
    // Along w.
    const xw = tf.reshape(tf.transpose(yh, [2, 0, 1, 3]), [w, b * h * c]);
    return tf.transpose(tf.reshape(tf.matMul(this.dw, xw, inverse, false), [w, b, h, c]), [1, 2, 0, 3]) as tf.Tensor4D;
  }

  /** Per-frequency channel mixing: out[b, k, :] = M_k x[b, k, :]. */
  private mix(x: tf.Tensor4D, m: tf.Tensor3D): tf.Tensor4D {
    const [b, h, w, c] = x.shape;
    const xk = tf.transpose(tf.reshape(x, [b, h * w, c]), [1, 2, 0]); // [hw, c, b]
    const yk = tf.matMul(m, xk); // [hw, c, b]
    return tf.reshape(tf.transpose(yk, [2, 0, 1]), [b, h, w, c]);
  }

  /** u (VAE latent) -> z (white). */
  apply(u: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => this.dct(this.mix(this.dct(tf.sub(u, this.mean), false), this.whiten), true));
  }

  /** z (white) -> u (VAE latent), the exact inverse of apply. */
  invert(z: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => tf.add(this.dct(this.mix(this.dct(z, false), this.colour), true), this.mean));
  }

  dispose(): void {
    tf.dispose([this.mean, this.whiten, this.colour, this.dh, this.dw]);
  }
}
