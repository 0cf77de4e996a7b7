// Diffusion regulariser of LD-DIM by score distillation (DreamFusion, Poole et al. 2022, eq. 3;
// RED-diff, Mardani et al. 2023): at a diffusion time t, z_t = √ᾱ_t z + √(1−ᾱ_t) ε and
//   ∇_z R = w(t) (ε̂(z_t, t) − ε) / dim,     stop-gradient through the denoiser ε̂,
// one denoiser forward pass per member and iteration, no backward pass through the network.
//
// Weight: w(t) = 1 / (√ᾱ_t √(1−ᾱ_t)). For a N(0, I) latent the exact ε-predictor is
// ε̂ = √(1−ᾱ) z_t, so E_ε[ε̂ − ε] = √ᾱ √(1−ᾱ) z and E[∇R] = z/dim = ∇ ½|z|²/dim at EVERY t: the
// regulariser is then the `vae` baseline's penalty in expectation, and λ means the same for both.
// For a learned prior it pulls z towards the prior's high-density set instead.
//
// Times: t = round((T−1) f), f ~ U[tMin, u_k], with the upper end annealed linearly from tMax to tMin
// over the iteration budget — coarse structure first, details last (as DreamFusion's annealed t).
// For a N(0, I) latent the estimate's noise is −√(ᾱ_t/(1−ᾱ_t)) ε / dim, which grows without bound as
// t → 0; hence tMin > 0.
//
// Value reported: ½ |ε̂ − ε|² / dim at the drawn t, the denoising error (small where z is typical of
// the prior). It is a diagnostic: R has no closed form whose gradient is the one above.
import type { Prior } from '@ldinv/prior';
import { tf, tidyValues } from '@ldinv/tensor';

export interface DiffusionTimes {
  /** Smallest diffusion time as a fraction of T. */
  tMin: number;
  /** Largest diffusion time as a fraction of T at the first iteration. */
  tMax: number;
}

/** Diffusion time for iteration k of a budget of K, from a uniform draw u ∈ [0, 1). */
export function annealedTimestep(k: number, K: number, T: number, u: number, times: DiffusionTimes): number {
  const progress = K > 1 ? Math.min(k / (K - 1), 1) : 1;
  const upper = times.tMax - (times.tMax - times.tMin) * progress;
  const f = times.tMin + (upper - times.tMin) * u;
  return Math.min(T - 1, Math.max(0, Math.round((T - 1) * f)));
}

/** w(t) = 1/(√ᾱ_t √(1−ᾱ_t)). */
export function distillationWeight(alphaBar: number): number {
  return 1 / Math.sqrt(alphaBar * (1 - alphaBar));
}

/**
 * For a batch of A latents z (packed [A, h, w, c] row-major in `z`), with per-member noise `eps`
 * (same layout) and timesteps `t`: writes ∇_z R of every member into `grad` (A·dim values) and
 * returns the per-member values ½|ε̂ − ε|²/dim.
 */
export function scoreDistillation(
  prior: Pick<Prior, 'denoise' | 'scheduler' | 'manifest'>,
  z: Float32Array, eps: Float32Array, t: Int32Array, grad: Float64Array,
): Float64Array {
  const [h, w, c] = prior.manifest.latentShape;
  const dim = h * w * c;
  const A = t.length;
  if (z.length < A * dim || eps.length < A * dim || grad.length < A * dim) {
    throw new Error(`scoreDistillation: expected ${A * dim} latent values for ${A} members`);
  }
  const epsHat = tidyValues(() => {
    const shape: [number, number, number, number] = [A, h, w, c];
    const tt = tf.tensor1d(t, 'int32');
    const epsT = tf.tensor4d(eps.subarray(0, A * dim), shape);
    const zt = prior.scheduler.addNoise(tf.tensor4d(z.subarray(0, A * dim), shape), epsT, tt) as tf.Tensor4D;
    return prior.denoise(zt, tt);
  });
  const values = new Float64Array(A);
  for (let a = 0; a < A; a++) {
    const weight = distillationWeight(prior.scheduler.alphasCumprod[t[a]]) / dim;
    let sum = 0;
    for (let i = a * dim; i < (a + 1) * dim; i++) {
      const d = epsHat[i] - eps[i];
      sum += d * d;
      grad[i] = weight * d;
    }
    values[a] = (0.5 * sum) / dim;
  }
  return values;
}
