import { hashSeed, tf } from '@ldinv/tensor';
import { type LoopResult, type LoopSettings, type LoopSpec, runTrainingLoop } from './train-loop.ts';
import { type Vae, vaeLatentShape, vaeLoss } from './vae.ts';

export interface VaeStageSettings extends LoopSettings {
  /** Weight of KL(q(z|x) || N(0, I)) per grid cell against the per-cell squared error. */
  klWeight: number;
}

export const DEFAULT_VAE_STAGE: VaeStageSettings = {
  epochs: 20,
  batch: 32,
  lr: 2e-3,
  warmup: 200,
  lrFloor: 0.05,
  emaDecay: 0,
  seed: 1,
  klWeight: 1e-4,
};

/** Mean reconstruction error (z = posterior mean) and KL on held-out fields, in chunks. */
export function vaeValidation(vae: Vae, data: Float32Array, ny: number, nx: number, klWeight: number, chunk = 64): { loss: number; recon: number; kl: number } {
  const cells = ny * nx;
  const n = data.length / cells;
  const latent = vaeLatentShape(vae.config, ny, nx);
  let recon = 0;
  let kl = 0;
  for (let i0 = 0; i0 < n; i0 += chunk) {
    const m = Math.min(chunk, n - i0);
    const [r, k] = tf.tidy(() => {
      const x = tf.tensor3d(data.subarray(i0 * cells, (i0 + m) * cells), [m, ny, nx]);
      const out = vaeLoss(vae, x, tf.zeros([m, ...latent]) as tf.Tensor4D, klWeight);
      return [out.recon.dataSync()[0], out.kl.dataSync()[0]];
    });
    recon += r * m;
    kl += k * m;
  }
  return { loss: (recon + klWeight * kl) / n, recon: recon / n, kl: kl / n };
}

/** Trains a VAE on standardised fields [count, ny, nx]. */
export function trainVae(
  vae: Vae,
  train: Float32Array,
  holdout: Float32Array,
  grid: { ny: number; nx: number },
  settings: VaeStageSettings,
  loop: Pick<LoopSpec, 'checkpoint' | 'checkpointEverySec' | 'resume' | 'onProgress' | 'onEpoch' | 'stopAfterSteps'> = {},
): Promise<LoopResult> {
  const { ny, nx } = grid;
  vae.build(ny, nx);
  const latent = vaeLatentShape(vae.config, ny, nx);
  const { klWeight, ...loopSettings } = settings;
  return runTrainingLoop({
    ...loop,
    stage: 'vae',
    store: vae.store,
    data: train,
    itemShape: [ny, nx],
    settings: { ...loopSettings },
    loss: (batch, step) => {
      const x = batch as tf.Tensor3D;
      const eps = tf.randomNormal([x.shape[0], ...latent], 0, 1, 'float32', hashSeed(`${settings.seed}:vae-eps:${step}`));
      return vaeLoss(vae, x, eps as tf.Tensor4D, klWeight).loss;
    },
    validate: () => vaeValidation(vae, holdout, ny, nx, klWeight),
  });
}
