import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@ldinv/tensor';
import { TensorAdam } from './adam.ts';
import { Denoiser } from './denoiser.ts';
import { Scheduler } from './scheduler.ts';
import { TINY_DENOISER, TINY_VAE, sinusoidFields } from './test-fixtures.ts';
import { diffusionLoss } from './train-diffusion.ts';
import { trainVae, vaeValidation } from './train-vae.ts';
import { Vae, vaeLatentShape } from './vae.ts';

describe('networks', () => {
  // The cpu backend's convolution gradients are ~1000x slower than wasm's (DESIGN).
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('VAE maps [B, 16, 16] to a [4, 4, c] latent and back; the grid must divide by 4', () => {
    const vae = new Vae(TINY_VAE, 1).build(16, 16);
    const { mean, logvar } = vae.encode(tf.zeros([3, 16, 16]) as tf.Tensor3D);
    expect(mean.shape).toEqual([3, 4, 4, 2]);
    expect(logvar.shape).toEqual([3, 4, 4, 2]);
    expect(vae.decode(mean).shape).toEqual([3, 16, 16]);
    expect(vaeLatentShape(TINY_VAE, 64, 32)).toEqual([16, 8, 2]);
    expect(() => vaeLatentShape(TINY_VAE, 18, 16)).toThrow('grid 18x16 must be divisible by the VAE down-sampling factor 4');
    vae.dispose();
  });

  it('the two-phase head keeps decoded values within the phases (plus a 1 % margin)', () => {
    const vae = new Vae({ ...TINY_VAE, outputRange: [-1, 2] }, 1).build(16, 16);
    const y = vae.decode(tf.mul(tf.randomNormal([4, 4, 4, 2], 0, 1, 'float32', 5), 50) as tf.Tensor4D);
    expect(tf.min(y).dataSync()[0]).toBeGreaterThanOrEqual(-1.03);
    expect(tf.max(y).dataSync()[0]).toBeLessThanOrEqual(2.03);
    expect(tf.max(y).dataSync()[0] - tf.min(y).dataSync()[0]).toBeGreaterThan(2);
    vae.dispose();
  });

  it('a tiny VAE overfits 8 fields: validation loss falls 10x', async () => {
    const data = sinusoidFields(8, 16, 16, 1);
    const vae = new Vae(TINY_VAE, 1).build(16, 16);
    const before = vaeValidation(vae, data, 16, 16, 1e-4).loss;
    const settings = { epochs: 60, batch: 8, lr: 1e-2, warmup: 10, lrFloor: 0.1, emaDecay: 0, seed: 1, klWeight: 1e-4 };
    const result = await trainVae(vae, data, data, { ny: 16, nx: 16 }, settings);
    expect(result.done).toBe(true);
    expect(result.steps).toBe(60);
    const after = vaeValidation(vae, data, 16, 16, 1e-4).loss;
    expect(after).toBeLessThan(before / 10);
    vae.dispose();
  });

  it('a tiny denoiser overfits fixed (z_t, t, ε) triples: loss falls 10x', () => {
    const den = new Denoiser(TINY_DENOISER, 2, 3).build(4, 4);
    const sched = new Scheduler({ T: 1000 });
    const z0 = tf.randomNormal([8, 4, 4, 2], 0, 1, 'float32', 1) as tf.Tensor4D;
    const eps = tf.randomNormal([8, 4, 4, 2], 0, 1, 'float32', 2) as tf.Tensor4D;
    const t = tf.tensor1d([5, 100, 200, 300, 400, 500, 700, 900], 'int32');
    const loss = () => diffusionLoss(den, sched, z0, t, eps);
    const before = loss().dataSync()[0];
    const adam = new TensorAdam(den.store);
    for (let i = 0; i < 60; i++) adam.minimize(loss, 1e-2);
    expect(loss().dataSync()[0]).toBeLessThan(before / 10);
    adam.dispose();
    den.dispose();
  });

  it('training does not leak tensors', () => {
    const den = new Denoiser(TINY_DENOISER, 2, 3).build(4, 4);
    const sched = new Scheduler({ T: 1000 });
    const z0 = tf.randomNormal([2, 4, 4, 2], 0, 1, 'float32', 1) as tf.Tensor4D;
    const t = tf.tensor1d([5, 900], 'int32');
    const adam = new TensorAdam(den.store);
    adam.minimize(() => diffusionLoss(den, sched, z0, t, z0), 1e-3);
    const n = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) adam.minimize(() => diffusionLoss(den, sched, z0, t, z0), 1e-3);
    expect(tf.memory().numTensors).toBe(n);
  });
});
