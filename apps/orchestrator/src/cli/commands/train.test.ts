import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { readNpy, writeNpy } from '@ldinv/fields';

const BIN = fileURLToPath(new URL('../../../bin/ldinv.js', import.meta.url));
const cwd = mkdtempSync(join(tmpdir(), 'ldinv-train-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

async function ldinv(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('ldinv train and sample', () => {
  it('trains a tiny prior on a gen-data set, resumes, and samples .npy fields and a mosaic', async () => {
    expect((await ldinv('gen-data', '--field', 'bimaterial', '--grid', '16', '--count', '40', '--seed', '1', '--out', 'data/b16')).code).toBe(0);
    const args = ['train', '--data', 'data/b16', '--out', 'priors/tiny', '--preset', 'tiny', '--holdout', '8', '--quality-samples', '4', '--quality-steps', '3', '--ema-decay', '0', '--backend', 'wasm'];
    const run = await ldinv(...args);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^train all: data\/b16 \(bimaterial, 32 training \+ 8 held-out fields 16x16\), preset tiny/);
    const manifest = JSON.parse(readFileSync(join(cwd, 'priors/tiny/manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ name: 'tiny', fieldKind: 'bimaterial', grid: { nx: 16, ny: 16 }, latentShape: [4, 4, 2] });
    expect(manifest.phases[1] - manifest.phases[0]).toBeCloseTo(Math.log(10), 5);
    expect(manifest.training.vae).toMatchObject({ epochs: 1, batch: 8, steps: 4, backend: 'wasm' });
    expect(manifest.training.diffusion).toMatchObject({ epochs: 1, steps: 4, emaDecay: 0 }); // the preset's is 0.9
    expect(Object.keys(manifest.quality.checks)).toEqual(['reconstructionMisclassified', 'nearPhase', 'volumeFraction']);
    const log = readFileSync(join(cwd, 'priors/tiny/train.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(log.map((r) => [r.stage, r.epoch])).toEqual([
      ['vae', 0],
      ['diffusion', 0],
    ]);
    expect(log.every((r) => Number.isFinite(r.valLoss))).toBe(true);

    // Both stages are complete in their checkpoints: a resumed run retrains nothing.
    const again = await ldinv(...args, '--resume');
    expect(again.code).toBe(0);
    expect(readFileSync(join(cwd, 'priors/tiny/train.ndjson'), 'utf8').trim().split('\n')).toHaveLength(2);
    const weights = readFileSync(join(cwd, 'priors/tiny/weights.bin'));
    expect(weights.byteLength).toBeGreaterThan(0);

    // --stage quality measures again with other settings, rewrites the manifest, leaves the weights.
    const q = await ldinv('train', '--data', 'data/b16', '--out', 'priors/tiny', '--stage', 'quality', '--holdout', '8', '--quality-samples', '6', '--quality-steps', '2', '--backend', 'wasm');
    expect(q.code).toBe(0);
    const requality = JSON.parse(readFileSync(join(cwd, 'priors/tiny/manifest.json'), 'utf8'));
    expect(requality.quality.samples).toMatchObject({ count: 6, steps: 2, exactSkip: true });
    expect(requality.training).toEqual(manifest.training);
    expect(readFileSync(join(cwd, 'priors/tiny/weights.bin')).equals(weights)).toBe(true);

    const s = await ldinv('sample', '--prior', 'priors/tiny', '--count', '3', '--steps', '4', '--seed', '1', '--out', 'samples', '--backend', 'wasm');
    expect(s.stderr).toBe('');
    expect(s.stdout).toMatch(/^wrote samples: 3 samples \(ln K, 16x16\) \+ mosaic\.svg from tiny/);
    for (const k of [0, 1, 2]) expect(readNpy(join(cwd, `samples/sample-${k}.npy`)).shape).toEqual([16, 16]);
    expect(existsSync(join(cwd, 'samples/mosaic.svg'))).toBe(true);
  });

  it('trains a tiny prior on an imported non-square stack (gen-data --from) and samples fields of its grid', async () => {
    // 40 smooth fields of ny = 16 rows by nx = 32 columns: a few plane waves each, seeded by the field's index.
    const [n, ny, nx] = [40, 16, 32];
    const stack = new Float32Array(n * ny * nx);
    for (let k = 0; k < n; k++) {
      for (let w = 0; w < 3; w++) {
        const [kx, ky, phase] = [1 + ((k + w) % 3), 1 + ((2 * k + w) % 2), k * 0.7 + w * 1.9];
        for (let j = 0; j < ny; j++) {
          for (let i = 0; i < nx; i++) stack[(k * ny + j) * nx + i] += Math.sin(2 * Math.PI * ((kx * (i + 0.5)) / nx + (ky * (j + 0.5)) / ny) + phase);
        }
      }
    }
    writeNpy(join(cwd, 'stack.npy'), stack, [n, ny, nx]);
    expect((await ldinv('gen-data', '--from', 'stack.npy', '--out', 'data/wide')).code).toBe(0);
    const run = await ldinv('train', '--data', 'data/wide', '--out', 'priors/wide', '--preset', 'tiny', '--holdout', '8', '--quality-samples', '4', '--quality-steps', '3', '--backend', 'wasm');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^train all: data\/wide \(imported, 32 training \+ 8 held-out fields 32x16\), preset tiny/);
    const manifest = JSON.parse(readFileSync(join(cwd, 'priors/wide/manifest.json'), 'utf8'));
    // The tiny VAE down-samples by 4 in both directions: a 16 x 32 grid has a 4 x 8 latent.
    expect(manifest).toMatchObject({ fieldKind: 'imported', grid: { nx: 32, ny: 16 }, latentShape: [4, 8, 2] });
    expect(manifest.phases).toBeUndefined();
    const sha256 = createHash('sha256').update(readFileSync(join(cwd, 'stack.npy'))).digest('hex');
    expect(manifest.dataset).toMatchObject({ field: { kind: 'imported', file: 'stack.npy', sha256, dtype: '<f4' }, grid: { nx: 32, ny: 16 }, count: 40, trainCount: 32 });
    expect(manifest.dataset.seed).toBeUndefined();
    expect(Object.keys(manifest.quality.checks)).toEqual(['reconstructionRelL2', 'mean', 'variance', 'correlation']);

    const s = await ldinv('sample', '--prior', 'priors/wide', '--count', '2', '--steps', '3', '--seed', '1', '--out', 'samples-wide', '--backend', 'wasm');
    expect(s.stderr).toBe('');
    expect(s.stdout).toMatch(/^wrote samples-wide: 2 samples \(ln K, 32x16\) \+ mosaic\.svg from wide/);
    for (const k of [0, 1]) {
      const sample = readNpy(join(cwd, `samples-wide/sample-${k}.npy`));
      expect(sample.shape).toEqual([16, 32]);
      expect(sample.data.every(Number.isFinite)).toBe(true);
    }
  });

  it('rejects bad options and missing data in one line', async () => {
    const bad = await ldinv('train', '--data', 'data/b16', '--out', 'p', '--stage', 'both');
    expect(bad).toMatchObject({ code: 1, stderr: "ldinv: --stage must be one of vae, diffusion, all, quality, got 'both'\n" });
    const ema = await ldinv('train', '--data', 'data/b16', '--out', 'p', '--ema-decay', '1', '--backend', 'cpu');
    expect(ema).toMatchObject({ code: 1, stderr: 'ldinv: --ema-decay must be in [0, 1), got "1"\n' });
    const none = await ldinv('train', '--data', 'nowhere', '--out', 'p', '--backend', 'cpu');
    expect(none.code).toBe(1);
    expect(none.stderr).toBe('ldinv: nowhere/dataset.json: not found (is nowhere a dataset written by gen-data?)\n');
    const noPrior = await ldinv('sample', '--prior', 'no-such-prior', '--out', 's', '--backend', 'cpu');
    expect(noPrior.code).toBe(1);
    expect(noPrior.stderr).toMatch(/^ldinv: prior no-such-prior: no manifest\.json there, and no shipped prior of that name in .*\n$/);
  });
});
