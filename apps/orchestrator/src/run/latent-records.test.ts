// ldim members carry their final prior weight λ and where the refine stage took over, from the
// optimiser through the pool into member records, summary.json and the report's member table.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeMemberRecord } from '@ldinv/runs';
import { readJson, runLdinv } from '../testing/ldinv-process.fixture.ts';
import { writeTestCase } from '../testing/test-case.fixture.ts';
import { writeTinyPrior } from '../testing/tiny-prior.fixture.ts';

const caseDir = writeTestCase();
const root = mkdtempSync(join(tmpdir(), 'ldinv-latent-records-'));
let prior: string;

beforeAll(async () => {
  prior = await writeTinyPrior(undefined, { denoiser: true });
});

describe('ldim member records', () => {
  it('hold the final λ and the first refine iteration; summary and report show them', async () => {
    const out = join(root, 'ldim');
    const r = await runLdinv([
      'invert', '--case', caseDir, '--prior', prior, '--method', 'ldim', '--members', '2', '--iters', '3', '--refine', '4',
      '--workers', '1', '--max-misfit', '1e9', '--out', out,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const files = readdirSync(join(out, 'members')).filter((f) => f.endsWith('.msgpack'));
    expect(files).toHaveLength(2);
    for (const f of files) {
      const m = decodeMemberRecord(readFileSync(join(out, 'members', f)), f);
      if (m.status !== 'done') throw new Error(`${f}: ${m.status}`);
      // Three latent iterations cannot fit the data with a tiny prior: the refine stage runs from
      // history entry 3 (the latent result) for up to 4 more iterations.
      expect(m.refineFrom).toBe(3);
      expect(m.iterations).toBeGreaterThan(3);
      expect(m.iterations).toBeLessThanOrEqual(7);
      expect(m.priorWeight).toBeGreaterThan(0);
    }
    const summary = readJson<{ memberTable: { refineFrom: number | null; priorWeight: number | null; stopReason: string | null }[] }>(join(out, 'summary.json'));
    expect(summary.memberTable.map((row) => row.refineFrom)).toEqual([3, 3]);
    expect(summary.memberTable.every((row) => row.priorWeight! > 0 && typeof row.stopReason === 'string')).toBe(true);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<th>refined from</th>');
    expect(html).toContain('<th>final λ</th>');
  });
});
