// Small configurations and in-test fields shared by this lib's tests (prior may not
// import @ldinv/fields, so the fields here are plain sinusoid sums).
import { createRng, tf } from '@ldinv/tensor';
import { Denoiser, type DenoiserConfig } from './denoiser.ts';
import { fitWhitening, LatentWhitening } from './latent-whitening.ts';
import type { PriorManifest } from './manifest.ts';
import { LatentPrior } from './prior.ts';
import { DEFAULT_SCHEDULE } from './scheduler.ts';
import { Vae, type VaeConfig } from './vae.ts';

export const TINY_VAE: VaeConfig = { shuffle: 2, channels: [8, 16], encoderBlocks: 1, decoderBlocks: 1, latentChannels: 2, groups: 4 };
export const TINY_DENOISER: DenoiserConfig = { channels: [8, 16], blocks: 1, groups: 4, timeDim: 16, gaussianSkip: true };

/** n smooth fields [n, ny, nx]: sums of three random low-frequency sinusoids, seeded. */
export function sinusoidFields(n: number, ny: number, nx: number, seed = 1): Float32Array {
  const rand = createRng(seed).uniform;
  const out = new Float32Array(n * ny * nx);
  for (let f = 0; f < n; f++) {
    for (let k = 0; k < 3; k++) {
      const kx = 1 + Math.floor(3 * rand());
      const ky = 1 + Math.floor(3 * rand());
      const phase = 2 * Math.PI * rand();
      const amp = 0.5 + rand();
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          out[f * ny * nx + j * nx + i] += amp * Math.sin((2 * Math.PI * (kx * (i + 0.5))) / nx + (2 * Math.PI * (ky * (j + 0.5))) / ny + phase);
        }
      }
    }
  }
  return out;
}

/** A manifest for the tiny networks on a 16 x 16 grid (weights untrained). */
export function tinyManifest(grid = 16): PriorManifest {
  return {
    format: 'ldinv-prior',
    version: 1,
    name: 'tiny',
    fieldKind: 'gaussian',
    grid: { nx: grid, ny: grid },
    latentShape: [grid / 4, grid / 4, TINY_VAE.latentChannels],
    standardise: { mean: 0.5, std: 2 },
    latentScale: 1.5,
    schedule: { ...DEFAULT_SCHEDULE, T: 100 },
    vae: TINY_VAE,
    denoiser: TINY_DENOISER,
    dataset: {},
    training: {},
    quality: {},
  };
}

/**
 * An untrained prior with the tiny networks on a grid x grid field (latent grid/4); with
 * whiten, its latent whitening is fitted to 200 smoothed-noise latents.
 */
export function tinyPrior(seed = 1, grid = 16, whiten = false): LatentPrior {
  const m = tinyManifest(grid);
  const vae = new Vae(m.vae, seed).build(grid, grid);
  const den = new Denoiser(TINY_DENOISER, TINY_VAE.latentChannels, seed + 1, undefined, m.schedule).build(grid / 4, grid / 4);
  if (!whiten) return new LatentPrior(m, vae, den);
  const shape = m.latentShape;
  const u = tf.tidy(() => {
    const white = tf.randomNormal([200, ...shape], 0, 1, 'float32', seed + 2) as tf.Tensor4D;
    return tf.add(tf.avgPool(tf.pad(white, [[0, 0], [1, 1], [1, 1], [0, 0]]), 3, 1, 'valid'), 0.5).dataSync() as Float32Array;
  });
  return new LatentPrior({ ...m, latentWhitening: 'dct' }, vae, den, new LatentWhitening(shape, fitWhitening(u, ...shape)));
}
