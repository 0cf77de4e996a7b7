// ldinv compare on two tiny runs of one case (pixel rml, pinn multistart): compare.json carries the
// runs' summary.json numbers, compare.html one row per run and the map figures; runs of another case,
// a single run and a run never aggregated are refused with one line, before anything is written.
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunSummary, FIT_MISFIT, type ComparedRun } from '@ldinv/runs';
import { prepareFromOptions } from './invert.ts';
import { main } from '../main.ts';
import { readJson, runLdinv } from '../../testing/ldinv-process.fixture.ts';
import { writeTestCase } from '../../testing/test-case.fixture.ts';

const caseDir = writeTestCase();
const root = mkdtempSync(join(tmpdir(), 'ldinv-compare-'));
const pixel = join(root, 'pixel-rml');
const pinn = join(root, 'pinn-multistart');
const base = ['invert', '--case', caseDir, '--members', '3', '--workers', '1', '--max-misfit', '1e9'];

async function ldinv(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let [stdout, stderr] = ['', ''];
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  try {
    return { code: await main(['node', 'ldinv', ...args]), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

beforeAll(async () => {
  const runs = await Promise.all([
    runLdinv([...base, '--method', 'pixel', '--mode', 'rml', '--iters', '30', '--out', pixel]),
    runLdinv([...base, '--method', 'pinn', '--mode', 'multistart', '--iters', '10', '--out', pinn]),
  ]);
  for (const r of runs) expect(r.stderr).toBe('');
});

describe('ldinv compare', () => {
  it("writes each run's summary.json numbers into compare.json and compare.html, with the maps", async () => {
    const out = join(root, 'cmp');
    const r = await ldinv('compare', pixel, pinn, '--out', out);
    expect(r).toEqual({ code: 0, stdout: `${join(out, 'compare.html')}\n`, stderr: '' });
    const cmp = readJson<{ case: string; caseHash: string; runs: ComparedRun[]; figures: string[] }>(join(out, 'compare.json'));
    expect(cmp.runs.map((x) => [x.method, x.mode])).toEqual([['pixel', 'rml'], ['pinn', 'multistart']]);
    expect(cmp.caseHash).toBe(readJson<{ caseHash: string }>(join(pixel, 'run.json')).caseHash);
    [pixel, pinn].forEach((dir, k) => {
      const s = readJson<RunSummary>(join(dir, 'summary.json'));
      const row = cmp.runs[k];
      expect(row.members).toEqual({ requested: 3, included: s.members.included });
      expect(row.relL2LogK).toBe(s.ensemble!.mean.relL2LogK);
      expect(row.misclassified).toBe(s.ensemble!.mean.misclassified);
      expect(row.coverage90LogK).toBe(s.ensemble!.coverage90LogK!.empirical);
      expect(row.spreadSkillLogK).toBe(s.ensemble!.spreadSkillLogK!.ratio);
      expect(row.threshold).toBe(s.robustness!.threshold!.value);
      expect(row.brierSkill).toBe(s.robustness!.brierSkill);
      expect(row.reliabilityGap).toBe(s.robustness!.reliability!.maxGap);
      expect(row.modes).toBe(s.robustness!.modes.length);
      const misfits = s.memberTable.map((m) => m.misfit!);
      expect(row.fitShare).toBe(misfits.filter((m) => m <= FIT_MISFIT).length / 3);
      // The numbers are real: a bimaterial truth gives a misclassified share and a threshold.
      expect(row.relL2LogK).toBeGreaterThan(0);
      expect(row.misclassified).toBeGreaterThanOrEqual(0);
    });
    expect(cmp.figures).toEqual(['compare_logk_mean.svg', 'compare_logk_std.svg', 'compare_logk_above_threshold.svg']);
    for (const f of cmp.figures) expect(readFileSync(join(out, f), 'utf8')).toMatch(/^<\?xml[^]*<svg[^]*<\/svg>\n$/);
    const html = readFileSync(join(out, 'compare.html'), 'utf8');
    const rows = [...html.matchAll(/<tr><td>(\d)<\/td><td>([^<]+)<\/td><td>(\w+)<\/td><td>(\w+)<\/td>/g)].map((m) => m.slice(1));
    expect(rows).toEqual([['1', 'pixel-rml', 'pixel', 'rml'], ['2', 'pinn-multistart', 'pinn', 'multistart']]);
    expect([...html.matchAll(/<img src="data:image\/svg\+xml;base64,/g)]).toHaveLength(3);
  });

  it('refuses runs of another case, a single run and a run without summary.json, writing nothing', async () => {
    const other = join(root, 'other-case');
    cpSync(caseDir, other, { recursive: true });
    const obs = join(other, 'obs.csv');
    writeFileSync(obs, readFileSync(obs, 'utf8').replace(/\n([^,\n]+,[^,\n]+,)([-0-9.e]+)/, (_, xy: string, h: string) => `\n${xy}${Number(h) + 0.01}`));
    const otherRun = join(root, 'other-run');
    const pending = join(root, 'pending-run');
    prepareFromOptions({ case: other, method: 'pixel', mode: 'rml', members: '2', out: otherRun });
    prepareFromOptions({ case: caseDir, method: 'pixel', mode: 'rml', members: '2', out: pending });
    const out = join(root, 'refused');
    expect(await ldinv('compare', pixel, otherRun, '--out', out)).toEqual({
      code: 1, stdout: '',
      stderr: `ldinv: ${join(otherRun, 'run.json')}: case ${other} differs from the case of ${pixel} (${caseDir}): their case.json/obs.csv hashes differ; compare runs of one case\n`,
    });
    expect((await ldinv('compare', pixel, '--out', out)).stderr).toBe('ldinv: compare needs at least two runs, got 1\n');
    expect((await ldinv('compare', pixel, pending, '--out', out)).stderr).toBe(
      `ldinv: ${join(pending, 'summary.json')}: no summary (the run was not aggregated): run ldinv aggregate ${pending}\n`,
    );
    expect(existsSync(out)).toBe(false);
  });
});
