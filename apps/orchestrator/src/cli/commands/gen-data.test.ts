import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ldinvIn } from '../../testing/ldinv-process.fixture.ts';
import { createFieldSampler, fieldSpec, openDataset, streamRng, writeNpy } from '@ldinv/fields';

const cwd = mkdtempSync(join(tmpdir(), 'ldinv-gen-data-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const ldinv = (...args: string[]) => ldinvIn(cwd, ...args);

describe('ldinv gen-data', () => {
  it('writes a dataset whose fields are those of (seed, i); quiet (no bar) when not a TTY', async () => {
    const run = await ldinv(
      'gen-data', '--field', 'gaussian', '--kernel', 'matern52', '--length', '0.1', '--grid', '16', '--count', '30',
      '--seed', '4', '--shard-size', '8', '--out', 'data/small',
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^wrote data\/small\/dataset\.json: 30 gaussian fields 16x16 in 4 shard\(s\), seed 4/);
    const ds = openDataset(join(cwd, 'data/small'));
    const field = fieldSpec('gaussian', { kernel: 'matern52', lx: 0.1, ly: 0.1 });
    expect(ds.manifest.field).toEqual(field);
    const sampler = createFieldSampler(field, ds.grid);
    expect(ds.read(17, 1)).toEqual(Float32Array.from(sampler.sample(streamRng(4, 'field', 17))));
    ds.close();
  });

  it('--from imports a stack of fields on any grid, naming the file and its sha256 in dataset.json', async () => {
    // [4, 8, 12]: ny = 8 rows of nx = 12 cells; value k + j / 10 + i / 1000 at field k, row j, column i.
    const stack = Float64Array.from({ length: 4 * 8 * 12 }, (_, p) => Math.floor(p / 96) + (Math.floor(p / 12) % 8) / 10 + (p % 12) / 1000);
    writeNpy(join(cwd, 'fields.npy'), stack, [4, 8, 12]);
    const run = await ldinv('gen-data', '--from', 'fields.npy', '--shard-size', '3', '--out', 'data/imported');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const sha256 = createHash('sha256').update(readFileSync(join(cwd, 'fields.npy'))).digest('hex');
    expect(run.stdout).toMatch(
      new RegExp(`^wrote data/imported/dataset\\.json: 4 imported fields 12x8 from fields\\.npy \\(sha256 ${sha256.slice(0, 12)}\\.\\.\\.\\) in 2 shard\\(s\\), [0-9.]+ s; ln K mean 1\\.8555, std 1\\.1413\n`),
    );
    const ds = openDataset(join(cwd, 'data/imported'));
    expect(ds.manifest.field).toEqual({ kind: 'imported', file: 'fields.npy', sha256, dtype: '<f8' });
    expect(ds.grid).toEqual({ nx: 12, ny: 8 });
    expect(ds.read(2, 1)[5 * 12 + 7]).toBe(Math.fround(2.507));
    ds.close();
  });

  // The library's tests go through every refusal of a stack (dataset-import.test.ts).
  it('bad input is a one-line error with exit code 1, and an import that fails writes nothing', async () => {
    writeNpy(join(cwd, 'flat.npy'), new Float32Array(8 * 12), [8, 12]);
    const runs = await Promise.all([
      ldinv('gen-data', '--count', '0', '--out', 'data/x'),
      ldinv('gen-data', '--count', '10', '--field', 'bimaterial', '--fraction', '1.5', '--out', 'data/x'),
      ldinv('gen-data', '--out', 'data/x'),
      ldinv('gen-data', '--from', 'flat.npy', '--out', 'data/x'),
      ldinv('gen-data', '--from', 'fields.npy', '--grid', '8', '--out', 'data/x'),
    ]);
    expect(runs.map((r) => r.code)).toEqual([1, 1, 1, 1, 1]);
    expect(runs.map((r) => r.stderr)).toEqual([
      'ldinv: --count must be an integer >= 1, got "0"\n',
      'ldinv: bimaterial field: fraction must be in (0, 1), got 1.5\n',
      'ldinv: --count is required (or --from FIELDS.npy to import fields)\n',
      'ldinv: flat.npy: expected a stack of ln K fields of shape [n, ny, nx], got shape [8,12]\n',
      'ldinv: --grid does not apply to --from: the fields, their number and grid come from fields.npy\n',
    ]);
    expect(existsSync(join(cwd, 'data/x'))).toBe(false);
  });
});
