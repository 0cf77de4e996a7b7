// A latent method through the CLI: every worker loads the prior from disk, and members do not depend on
// how they are batched or spread over workers (what resume and retries rely on).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal, type RunManifest } from '@ldinv/runs';
import { readJson, runLdinv, runNumbers } from '../testing/ldinv-process.fixture.ts';
import { writeTestCase } from '../testing/test-case.fixture.ts';
import { writeTinyPrior } from '../testing/tiny-prior.fixture.ts';

describe('latent method (vae) with a prior on disk', () => {
  it('gives the same bits in one batch on one worker as one member per task on two workers', async () => {
    const caseDir = writeTestCase();
    const prior = await writeTinyPrior();
    const root = mkdtempSync(join(tmpdir(), 'ldinv-latent-'));
    const args = (out: string, extra: string[]) => [
      'invert', '--case', caseDir, '--method', 'vae', '--prior', prior, '--members', '4', '--iters', '15', '--max-misfit', '1e9', '--out', out, ...extra,
    ];
    const one = join(root, 'one');
    const two = join(root, 'two');
    const a = await runLdinv(args(one, ['--workers', '1', '--batch', '4']));
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    const b = await runLdinv(args(two, ['--workers', '2', '--batch', '1']));
    expect(b.code).toBe(0);
    expect(runNumbers(two)).toEqual(runNumbers(one));
    expect(readJson<RunManifest>(join(two, 'run.json')).priorDir).toBe(prior);
    expect(readJournal(join(two, 'journal.ndjson')).filter((e) => e.type === 'worker-ready')).toHaveLength(2);
  });
});
