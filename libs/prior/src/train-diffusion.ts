import { hashSeed, tf } from '@ldinv/tensor';
import type { Denoiser } from './denoiser.ts';
import type { Scheduler } from './scheduler.ts';
import { type LoopResult, type LoopSettings, type LoopSpec, runTrainingLoop } from './train-loop.ts';

export const DEFAULT_DIFFUSION_STAGE: LoopSettings = {
  epochs: 40,
  batch: 32,
  lr: 1e-3,
  warmup: 200,
  lrFloor: 0.05,
  emaDecay: 0.999,
  seed: 2,
};

/** Simple ε-prediction loss (DDPM eq. 14): E_{t, ε} ||ε − ε_θ(√ᾱ_t z0 + √(1−ᾱ_t) ε, t)||². */
export function diffusionLoss(denoiser: Denoiser, scheduler: Scheduler, z0: tf.Tensor4D, t: tf.Tensor1D, eps: tf.Tensor4D): tf.Scalar {
  const zt = scheduler.addNoise(z0, eps, t) as tf.Tensor4D;
  return tf.mean(tf.squaredDifference(denoiser.predict(zt, t), eps)) as tf.Scalar;
}

/** Seeded timesteps and noise for a batch of latents. */
export function diffusionDraws(shape: number[], T: number, seed: number): { t: tf.Tensor1D; eps: tf.Tensor4D } {
  const t = tf.randomUniform([shape[0]], 0, T, 'int32', hashSeed(`${seed}:t`)) as tf.Tensor1D;
  const eps = tf.randomNormal(shape as [number, number, number, number], 0, 1, 'float32', hashSeed(`${seed}:eps`)) as tf.Tensor4D;
  return { t, eps };
}

/**
 * Held-out ε loss with timesteps spread evenly over [0, T) and fixed noise, so epochs are
 * comparable.
 */
export function diffusionValidation(denoiser: Denoiser, scheduler: Scheduler, latents: Float32Array, shape: [number, number, number], chunk = 64): number {
  const size = shape[0] * shape[1] * shape[2];
  const n = latents.length / size;
  let sum = 0;
  for (let i0 = 0; i0 < n; i0 += chunk) {
    const m = Math.min(chunk, n - i0);
    sum += tf.tidy(() => {
      const z0 = tf.tensor4d(latents.subarray(i0 * size, (i0 + m) * size), [m, ...shape]);
      const ts = Int32Array.from({ length: m }, (_, i) => Math.floor(((i0 + i + 0.5) * scheduler.T) / n));
      const eps = tf.randomNormal([m, ...shape], 0, 1, 'float32', hashSeed(`validation:${i0}`)) as tf.Tensor4D;
      return diffusionLoss(denoiser, scheduler, z0, tf.tensor1d(ts, 'int32'), eps).dataSync()[0] * m;
    });
  }
  return sum / n;
}

/** Trains the denoiser on (scaled) latents [count, h, w, c]. */
export function trainDiffusion(
  denoiser: Denoiser,
  scheduler: Scheduler,
  train: Float32Array,
  holdout: Float32Array,
  shape: [number, number, number],
  settings: LoopSettings,
  loop: Pick<LoopSpec, 'checkpoint' | 'checkpointEverySec' | 'resume' | 'onProgress' | 'onEpoch' | 'stopAfterSteps'> = {},
): Promise<LoopResult> {
  denoiser.build(shape[0], shape[1]);
  return runTrainingLoop({
    ...loop,
    stage: 'diffusion',
    store: denoiser.store,
    data: train,
    itemShape: shape,
    settings,
    loss: (batch, step) => {
      const { t, eps } = diffusionDraws(batch.shape, scheduler.T, hashSeed(`${settings.seed}:diffusion:${step}`));
      return diffusionLoss(denoiser, scheduler, batch as tf.Tensor4D, t, eps);
    },
    validate: () => ({ loss: diffusionValidation(denoiser, scheduler, holdout, shape) }),
  });
}
