// Test fixture (not exported from the lib): a tiny prior on 16x16 without training. The decoder is
// the prior lib's VAE, randomly initialised (one level, no decoder blocks: latent [4, 4, 2]); the
// latent law is exactly N(0, I), with its exact ε-predictor ε̂(z_t, t) = √(1−ᾱ_t) z_t standing in for
// a trained denoiser, so DDIM samples and the diffusion regulariser behave as for a perfect prior.
import { DEFAULT_SCHEDULE, ddimSample, LatentPrior, Scheduler, Vae, type Prior, type PriorManifest } from '@ldinv/prior';
import { tf } from '@ldinv/tensor';

export function tinyPrior(): Prior {
  const grid = { nx: 16, ny: 16 };
  const vae = { shuffle: 4, channels: [8], encoderBlocks: 1, decoderBlocks: 0, latentChannels: 2, groups: 2 };
  const manifest: PriorManifest = {
    format: 'ldinv-prior', version: 1, name: 'tiny', fieldKind: 'gaussian', grid, latentShape: [4, 4, 2],
    standardise: { mean: 0, std: 1 }, latentScale: 1, schedule: DEFAULT_SCHEDULE, vae, denoiser: null,
    dataset: {}, training: {}, quality: {},
  };
  const base = new LatentPrior(manifest, new Vae(vae, 1).build(16, 16), null);
  const scheduler = new Scheduler(manifest.schedule);
  const sigmas = Float32Array.from(scheduler.alphasCumprod, (ab) => Math.sqrt(1 - ab));
  const eps = (x: tf.Tensor4D, t: number) => tf.mul(x, sigmas[t]) as tf.Tensor4D;
  return {
    manifest,
    scheduler,
    decode: (z) => base.decode(z),
    encode: (logK) => base.encode(logK),
    denoise: (zt, t) => tf.tidy(() => tf.mul(zt, tf.reshape(tf.gather(tf.tensor1d(sigmas), t), [-1, 1, 1, 1]))) as tf.Tensor4D,
    sample: (o) =>
      tf.tidy(() => ddimSample(eps, scheduler, tf.randomNormal([o.count, 4, 4, 2], 0, 1, 'float32', o.seed) as tf.Tensor4D, { steps: o.steps })),
    ddimChain: (zT, steps) => ddimSample(eps, scheduler, zT, { steps }),
    dispose: () => base.dispose(),
  };
}
