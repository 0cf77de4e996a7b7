import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@ldinv/tensor';
import { Denoiser } from './denoiser.ts';
import type { ParamStore } from './params.ts';
import { Scheduler } from './scheduler.ts';
import { TINY_DENOISER, TINY_VAE, sinusoidFields } from './test-fixtures.ts';
import { trainDiffusion } from './train-diffusion.ts';
import { trainVae } from './train-vae.ts';
import { Vae } from './vae.ts';

function weights(store: ParamStore): number[] {
  return store.names().flatMap((n) => Array.from((store.vars.get(n) as tf.Variable).dataSync()));
}

describe('checkpoint and resume', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });
  const dir = mkdtempSync(join(tmpdir(), 'ldinv-prior-resume-'));
  const data = sinusoidFields(8, 16, 16, 2);
  const vaeSettings = { epochs: 3, batch: 4, lr: 3e-3, warmup: 2, lrFloor: 0.1, emaDecay: 0, seed: 4, klWeight: 1e-3 };

  it('VAE: stopping mid-epoch and resuming gives bitwise the weights of one run', async () => {
    const straight = new Vae(TINY_VAE, 1);
    const a = await trainVae(straight, data, data, { ny: 16, nx: 16 }, vaeSettings);
    expect(a.steps).toBe(6);

    const ckpt = join(dir, 'vae.ckpt');
    const first = new Vae(TINY_VAE, 1);
    const part = await trainVae(first, data, data, { ny: 16, nx: 16 }, vaeSettings, { checkpoint: ckpt, stopAfterSteps: 3 });
    expect(part).toMatchObject({ steps: 3, done: false });
    const resumed = new Vae(TINY_VAE, 1);
    const b = await trainVae(resumed, data, data, { ny: 16, nx: 16 }, vaeSettings, { checkpoint: ckpt, resume: true });
    expect(b).toMatchObject({ steps: 6, done: true });
    expect(weights(resumed.store)).toEqual(weights(straight.store));
    expect(weights(first.store)).not.toEqual(weights(straight.store));

    await expect(trainVae(new Vae(TINY_VAE, 1), data, data, { ny: 16, nx: 16 }, { ...vaeSettings, batch: 2 }, { checkpoint: ckpt, resume: true })).rejects.toThrow(
      `${ckpt}: checkpoint was written with batch 4, this run has 2`,
    );
    for (const v of [straight, first, resumed]) v.dispose();
  });

  it('diffusion: Adam moments, EMA and step survive a checkpoint exactly', async () => {
    const latents = tf.randomNormal([8, 4, 4, 2], 0, 1, 'float32', 9).dataSync() as Float32Array;
    const settings = { epochs: 2, batch: 4, lr: 3e-3, warmup: 1, lrFloor: 0.1, emaDecay: 0.9, seed: 5 };
    const sched = new Scheduler({ T: 100 });
    const straight = new Denoiser(TINY_DENOISER, 2, 3);
    await trainDiffusion(straight, sched, latents, latents, [4, 4, 2], settings);
    const ckpt = join(dir, 'diffusion.ckpt');
    await trainDiffusion(new Denoiser(TINY_DENOISER, 2, 3), sched, latents, latents, [4, 4, 2], settings, { checkpoint: ckpt, stopAfterSteps: 1 });
    const resumed = new Denoiser(TINY_DENOISER, 2, 3);
    await trainDiffusion(resumed, sched, latents, latents, [4, 4, 2], settings, { checkpoint: ckpt, resume: true });
    expect(weights(resumed.store)).toEqual(weights(straight.store));
  });

  it('a truncated checkpoint fails with one line naming the file', async () => {
    const ckpt = join(dir, 'vae.ckpt');
    const bytes = readFileSync(ckpt);
    const cut = join(dir, 'cut.ckpt');
    writeFileSync(cut, bytes.subarray(0, bytes.byteLength - 100));
    await expect(trainVae(new Vae(TINY_VAE, 1), data, data, { ny: 16, nx: 16 }, vaeSettings, { checkpoint: cut, resume: true })).rejects.toThrow(
      new RegExp(`^${cut}: expected \\d+ bytes of weights, got \\d+ \\(truncated\\)$`),
    );
  });
});
