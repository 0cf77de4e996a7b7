import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ldinvIn } from '../../run/ldinv-process.fixture.ts';
import { createFieldSampler, fieldSpec, openDataset, streamRng } from '@ldinv/fields';

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
    expect(ds.manifest.field).toEqual(fieldSpec('gaussian', { kernel: 'matern52', lx: 0.1, ly: 0.1 }));
    const sampler = createFieldSampler(ds.manifest.field, ds.grid);
    expect(ds.read(17, 1)).toEqual(Float32Array.from(sampler.sample(streamRng(4, 'field', 17))));
    ds.close();
  });

  it('bad input is a one-line error with exit code 1', async () => {
    const runs = await Promise.all([
      ldinv('gen-data', '--count', '0', '--out', 'data/x'),
      ldinv('gen-data', '--count', '10', '--field', 'bimaterial', '--fraction', '1.5', '--out', 'data/x'),
    ]);
    expect(runs.map((r) => r.code)).toEqual([1, 1]);
    expect(runs.map((r) => r.stderr)).toEqual([
      'ldinv: --count must be an integer >= 1, got "0"\n',
      'ldinv: bimaterial field: fraction must be in (0, 1), got 1.5\n',
    ]);
  });
});
