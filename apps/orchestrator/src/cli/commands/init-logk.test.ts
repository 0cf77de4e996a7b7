// --init-logk through the real CLI: the start level of ln K reaches pixel's members, the default is the
// prior's training mean recorded in run.json, and bad values are one-line errors before anything runs.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readManifest } from '@ldinv/prior';
import { beforeAll, describe, expect, it } from 'vitest';
import { prepareFromOptions } from './invert.ts';
import { decodeMemberRecord, type RunManifest } from '@ldinv/runs';
import { readJson, runLdinv } from '../../testing/ldinv-process.fixture.ts';
import { writeTestCase } from '../../testing/test-case.fixture.ts';
import { writeTinyPrior } from '../../testing/tiny-prior.fixture.ts';

// Flow boundaries, no wells (test-case.fixture.ts): heads do not change when K is scaled.
const caseDir = writeTestCase();
const root = mkdtempSync(join(tmpdir(), 'ldinv-init-logk-'));
let prior: string;
const base = (out: string, extra: string[]) => [
  'invert', '--case', caseDir, '--members', '2', '--iters', '3', '--workers', '1', '--max-misfit', '1e9', '--out', out, ...extra,
];

/** A copy of the test case whose case.json names `prior`. */
function caseNaming(prior: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ldinv-case-prior-'));
  for (const f of readdirSync(caseDir)) writeFileSync(join(dir, f), readFileSync(join(caseDir, f)));
  const c = readJson(join(caseDir, 'case.json'));
  writeFileSync(join(dir, 'case.json'), JSON.stringify({ ...c, prior }));
  return dir;
}

const initLogKOf = (out: string) => readJson<RunManifest>(join(out, 'run.json')).config.initLogK;
/** Prepares a run as `ldinv invert` does, without running it (no worker starts). */
const prepare = (o: Record<string, string>) => prepareFromOptions({ members: '1', iters: '1', ...o }).manifest.config.initLogK;

beforeAll(async () => {
  prior = await writeTinyPrior();
});

describe('ldinv invert --init-logk', () => {
  it('starts pixel at the given level, which it keeps without wells; a bad value exits 1', async () => {
    const out = join(root, 'given');
    const [r, bad] = await Promise.all([
      runLdinv(base(out, ['--method', 'pixel', '--mode', 'rml', '--init-logk', '0.7'])),
      runLdinv(base(join(root, 'bad'), ['--method', 'pixel', '--mode', 'rml', '--init-logk', 'abc'])),
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(initLogKOf(out)).toBe(0.7);
    const members = readdirSync(join(out, 'members')).filter((f) => f.endsWith('.msgpack'));
    expect(members).toHaveLength(2);
    for (const f of members) {
      const m = decodeMemberRecord(readFileSync(join(out, 'members', f)), f);
      if (m.status !== 'done') throw new Error(`${f}: ${m.status}`);
      const mean = m.logK.reduce((s, v) => s + v, 0) / m.logK.length;
      // The data gradient has no mean component here; only Adam's per-cell scaling moves the mean
      // (measured 0.018 after 3 iterations, 0.03 after 5); started at 0 the mean would be ~0.
      expect(Math.abs(mean - 0.7)).toBeLessThan(0.05);
    }
    expect(bad.stderr).toBe("ldinv: --init-logk must be a finite number, got 'abc'\n");
    expect(bad.code).toBe(1);

    // Resume compares it like the other numbers.
    const runJson = join(out, 'run.json');
    expect(() => prepareFromOptions({ resume: out, initLogk: '0.8' })).toThrow(
      `${runJson}: --init-logk 0.8 differs from the run's 0.7; a resume cannot change the numbers`,
    );
  });

  it("defaults to the prior's training mean (--prior or the case's), else 0, and records the number", () => {
    const mean = readManifest(prior).standardise.mean;
    expect(mean).not.toBe(0);
    expect(prepare({ case: caseDir, method: 'pixel', prior, out: join(root, 'prior') })).toBe(mean);
    expect(initLogKOf(join(root, 'prior'))).toBe(mean);
    const fromCase = prepareFromOptions({ case: caseNaming(prior), method: 'pinn', out: join(root, 'case') }).manifest.config;
    expect(fromCase.initLogK).toBe(mean);
    expect(fromCase.prior).toBeNull();
    expect(prepare({ case: caseNaming(join(root, 'no-such-prior')), method: 'pixel', out: join(root, 'missing') })).toBe(0);
    expect(prepare({ case: caseDir, method: 'pixel', out: join(root, 'none') })).toBe(0);
    expect(prepare({ case: caseDir, method: 'vae', prior, out: join(root, 'vae') })).toBe(0);
  });

  it('rejects a non-finite value and a method that does not start from a constant', () => {
    const o = (method: string, initLogk: string) => ({ case: caseDir, method, prior, initLogk, out: join(root, `bad-${method}-${initLogk}`) });
    expect(() => prepare(o('pinn', 'Infinity'))).toThrow(/^--init-logk must be a finite number, got 'Infinity'$/);
    expect(() => prepare(o('pixel', ' '))).toThrow(/^--init-logk must be a finite number, got ' '$/);
    expect(() => prepare(o('vae', '0.5'))).toThrow(/^--init-logk is for --method pixel or pinn, got --method vae$/);
    expect(() => prepare(o('ldim', '0'))).toThrow(/^--init-logk is for --method pixel or pinn, got --method ldim$/);
  });
});
