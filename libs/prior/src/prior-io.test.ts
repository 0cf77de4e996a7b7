import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@ldinv/tensor';
import { loadPrior, savePrior } from './prior-io.ts';
import { tinyPrior } from './test-fixtures.ts';

describe('prior save and load', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });
  const root = mkdtempSync(join(tmpdir(), 'ldinv-prior-io-'));
  const z = tf.randomNormal([2, 4, 4, 2], 0, 1, 'float32', 11) as tf.Tensor4D;
  const t = tf.tensor1d([3, 77], 'int32');

  async function saved(name: string): Promise<string> {
    const dir = join(root, name);
    const prior = tinyPrior(7);
    await savePrior(dir, prior);
    prior.dispose();
    return dir;
  }

  it.each([false, true])('round trip gives identical decode, encode, denoise and samples (whitened: %s)', async (whiten) => {
    const prior = tinyPrior(7, 16, whiten);
    const dir = join(root, `roundtrip-${whiten}`);
    await savePrior(dir, prior);
    const back = await loadPrior(dir);
    expect(back.manifest).toEqual(prior.manifest);
    const same = (a: tf.Tensor, b: tf.Tensor) => expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    same(back.decode(z), prior.decode(z));
    same(back.encode(prior.decode(z)), prior.encode(prior.decode(z)));
    same(back.denoise(z, t), prior.denoise(z, t));
    same(back.sample({ count: 2, steps: 5, seed: 3 }), prior.sample({ count: 2, steps: 5, seed: 3 }));
    prior.dispose();
    back.dispose();
  });

  it('rejects weights that disagree with the manifest, in one line', async () => {
    const dir = await saved('mismatch');
    const path = join(dir, 'manifest.json');
    const m = JSON.parse(readFileSync(path, 'utf8'));
    m.vae.latentChannels = 3;
    m.latentShape = [4, 4, 3];
    writeFileSync(path, JSON.stringify(m));
    await expect(loadPrior(dir)).rejects.toThrow(
      `${join(dir, 'model.json')}: weight vae/enc/out/w has shape [3,3,16,4], the network described by manifest.json expects [3,3,16,6]`,
    );
    m.latentShape = [8, 8, 3];
    writeFileSync(path, JSON.stringify(m));
    await expect(loadPrior(dir)).rejects.toThrow(`${path}: latentShape [8,8,3] disagrees with the VAE, which gives [4,4,3] for a 16x16 grid`);
  });

  it('rejects a whitened manifest whose weights lack the whitening', async () => {
    const dir = await saved('nowhite');
    const path = join(dir, 'manifest.json');
    const m = JSON.parse(readFileSync(path, 'utf8'));
    m.latentWhitening = 'dct';
    writeFileSync(path, JSON.stringify(m));
    await expect(loadPrior(dir)).rejects.toThrow(`${join(dir, 'model.json')}: weight latent/mean must have 32 values for latentShape [4,4,2], got none`);
  });

  it('rejects a manifest without a denoiser when the weights have one', async () => {
    const dir = await saved('extra');
    const path = join(dir, 'manifest.json');
    const m = JSON.parse(readFileSync(path, 'utf8'));
    m.denoiser = null;
    writeFileSync(path, JSON.stringify(m));
    await expect(loadPrior(dir)).rejects.toThrow(/model\.json: weight denoiser\/\S+ is not part of the networks described by manifest\.json$/);
  });

  it('rejects a truncated weights file, in one line', async () => {
    const dir = await saved('truncated');
    const bin = join(dir, 'weights.bin');
    const size = readFileSync(bin).byteLength;
    truncateSync(bin, size - 10);
    await expect(loadPrior(dir)).rejects.toThrow(`${bin}: expected ${size} bytes for the weights listed in model.json, got ${size - 10} (truncated or wrong file)`);
  });

  it('names the field of a broken manifest', async () => {
    const dir = await saved('broken');
    const path = join(dir, 'manifest.json');
    const m = JSON.parse(readFileSync(path, 'utf8'));
    m.latentScale = -1;
    writeFileSync(path, JSON.stringify(m));
    await expect(loadPrior(dir)).rejects.toThrow(`${path}: latentScale must be a number > 0, got -1`);
    await expect(loadPrior(join(root, 'nowhere'))).rejects.toThrow(/nowhere: no manifest\.json there/);
  });
});
