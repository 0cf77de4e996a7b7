import { Scheduler, type PriorManifest } from '@ldinv/prior';
import { createRng, tf } from '@ldinv/tensor';
import { describe, expect, it } from 'vitest';
import { annealedTimestep, distillationWeight, scoreDistillation } from './diffusion-regulariser.ts';

describe('annealedTimestep', () => {
  const times = { tMin: 0.2, tMax: 0.9 };

  it('spans [tMin, tMax]·(T−1) at the start and collapses to tMin·(T−1) at the end', () => {
    expect(annealedTimestep(0, 100, 1000, 0, times)).toBe(Math.round(999 * 0.2));
    expect(annealedTimestep(0, 100, 1000, 0.999999, times)).toBe(Math.round(999 * 0.9));
    expect(annealedTimestep(99, 100, 1000, 0.7, times)).toBe(Math.round(999 * 0.2));
    // Half way the upper end is 0.55: u = 1 maps to 0.55.
    expect(annealedTimestep(49.5, 100, 1000, 1, times)).toBe(Math.round(999 * 0.55));
  });
});

describe('scoreDistillation', () => {
  it('with the exact ε-predictor of a N(0, I) latent, E[∇R] = z/dim at any t (the vae penalty gradient)', () => {
    const scheduler = new Scheduler({ T: 1000 });
    const manifest = { latentShape: [2, 2, 1] } as unknown as PriorManifest;
    // E[ε | z_t] = √(1−ᾱ) z_t for z ~ N(0, I).
    const exact = {
      manifest,
      scheduler,
      denoise: (zt: tf.Tensor4D, t: tf.Tensor1D) =>
        tf.tidy(() => {
          const s = Array.from(t.dataSync(), (ti) => Math.sqrt(1 - scheduler.alphasCumprod[ti]));
          return tf.mul(zt, tf.tensor(s, [s.length, 1, 1, 1])) as tf.Tensor4D;
        }),
    };
    const z = Float32Array.from([0.5, -1, 2, 0.25]);
    const draws = 4000;
    const A = 2;
    const rng = createRng(5);
    const mean = new Float64Array(4 * A);
    const grad = new Float64Array(4 * A);
    const zz = new Float32Array(4 * A);
    zz.set(z, 0);
    zz.set(z, 4);
    const t = Int32Array.from([300, 700]); // two members at two times
    for (let k = 0; k < draws; k++) {
      const eps = Float32Array.from({ length: 4 * A }, () => rng.normal());
      scoreDistillation(exact, zz, eps, t, grad);
      for (let i = 0; i < 4 * A; i++) mean[i] += grad[i] / draws;
    }
    // Noise per draw: √(ᾱ/(1−ᾱ))/dim ≤ 0.6 here; its mean over 4000 draws has sd ≤ 0.01; tolerance 0.04.
    for (let a = 0; a < A; a++) {
      for (let i = 0; i < 4; i++) expect(Math.abs(mean[a * 4 + i] - z[i] / 4)).toBeLessThan(0.04);
    }
    expect(distillationWeight(0.5)).toBeCloseTo(2, 14);
  });
});
