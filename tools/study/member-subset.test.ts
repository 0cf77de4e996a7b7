import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldSpec, simulateCase, writeCase } from '@ldinv/fields';
import { LDINV_BIN } from '../bench/invert-runs.ts';
import { firstMembersSummary } from './member-subset.ts';
import type { RunSummary } from './study-metrics.ts';

const root = mkdtempSync(join(tmpdir(), 'ldinv-subset-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const caseDir = join(root, 'case');
writeCase(caseDir, simulateCase({
  field: fieldSpec('bimaterial'), grid: { nx: 16, ny: 16 }, sensors: { layout: 'grid', count: 16 },
  noise: 0.01, bc: 'flow', tests: [[]], seed: 7,
}));

/** A pixel rml run of `members` members, seed 3; returns its directory. */
function invert(members: number): string {
  const out = join(root, `run-${members}`);
  const r = spawnSync(process.execPath, [
    LDINV_BIN, 'invert', '--case', caseDir, '--method', 'pixel', '--mode', 'rml', '--members', String(members),
    '--iters', '15', '--seed', '3', '--workers', '1', '--max-misfit', '1e9', '--json', '--out', out,
  ], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ldinv invert exited ${r.status}: ${r.stderr}`);
  return out;
}

const summaryOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as RunSummary;

describe('firstMembersSummary', () => {
  let four = '';
  let two = '';
  beforeAll(() => {
    four = invert(4);
    two = invert(2);
  }, 120_000);

  it('of all members is the run\'s own aggregation', () => {
    const got = firstMembersSummary(four, 4);
    expect(got.ensemble).toEqual(summaryOf(four).ensemble);
    expect(got.members).toEqual({ requested: 4, done: 4, included: 4 });
  });

  it('of the first 2 members of a 4-member run is the 2-member run with the same seed', () => {
    const got = firstMembersSummary(four, 2);
    expect(got.ensemble).toEqual(summaryOf(two).ensemble);
    expect(got.memberTable.map((m) => m.metrics)).toEqual(summaryOf(two).memberTable.map((m) => m.metrics));
    // and not the same ensemble as all four (else the test would prove nothing)
    expect(got.ensemble!.mean.relL2LogK).not.toBe(summaryOf(four).ensemble!.mean.relL2LogK);
  });

  it('names the run and the count when members are missing', () => {
    expect(() => firstMembersSummary(two, 3)).toThrow(`${two}: has 2 of its first 3 members on disk, needs all`);
  });
});
