import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TINY_DENOISER, TINY_VAE, sinusoidFields } from './test-fixtures.ts';
import { arraySource, trainPrior } from './train-prior.ts';

const root = mkdtempSync(join(tmpdir(), 'ldinv-train-prior-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('trainPrior', () => {
  it('refuses a grid the networks cannot down-sample before training or writing anything', async () => {
    // The tiny VAE down-samples by 4 and its denoiser by 2: 12 x 16 cells give a 3 x 4 latent, odd in y.
    for (const [ny, nx, message] of [
      [12, 16, 'grid 12x16 must be divisible by 8: the denoiser down-samples its 3x4 latent by 2'],
      [18, 16, 'grid 18x16 must be divisible by the VAE down-sampling factor 4'],
    ] as const) {
      const out = join(root, `${ny}x${nx}`);
      const source = arraySource(sinusoidFields(4, ny, nx), ny, nx);
      const train = trainPrior({
        name: 'odd', out, stage: 'all', fieldKind: 'imported', train: source, holdout: source, dataset: {},
        vae: TINY_VAE, denoiser: TINY_DENOISER, quality: false, backend: 'cpu',
      });
      await expect(train).rejects.toThrow(new Error(message));
      expect(existsSync(out)).toBe(false);
    }
  });
});
