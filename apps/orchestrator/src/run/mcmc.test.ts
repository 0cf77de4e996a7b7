// Mode mcmc through the CLI: chains are members (batched or spread over workers with the same bits),
// their samples are pooled by aggregation, and the report and summary carry the chains' diagnostics.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpy } from '@ldinv/fields';
import { type RunSummary, RunStore } from '@ldinv/runs';
import { readJson, runLdinv, runNumbers } from '../testing/ldinv-process.fixture.ts';
import { writeTestCase } from '../testing/test-case.fixture.ts';
import { writeTinyPrior } from '../testing/tiny-prior.fixture.ts';

describe('mode mcmc', () => {
  it('runs chains as members: same bits batched or one per task, samples pooled, diagnostics reported', async () => {
    const caseDir = writeTestCase();
    const prior = await writeTinyPrior(undefined, { denoiser: true });
    const root = mkdtempSync(join(tmpdir(), 'ldinv-mcmc-'));
    const args = (out: string, extra: string[]) => [
      'invert', '--case', caseDir, '--method', 'ldim', '--mode', 'mcmc', '--prior', prior, '--members', '3', '--iters', '5',
      '--burn-in', '10', '--steps', '20', '--thin', '2', '--max-misfit', '1e9', '--out', out, ...extra,
    ];
    const one = join(root, 'one');
    const two = join(root, 'two');
    const a = await runLdinv(args(one, ['--workers', '1', '--batch', '3']));
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    const b = await runLdinv(args(two, ['--workers', '2', '--batch', '1']));
    expect(b.code).toBe(0);
    expect(runNumbers(two)).toEqual(runNumbers(one));

    const records = RunStore.open(one, { writable: false }).readAllMembers();
    const cells = 16 * 16;
    for (const r of records) {
      expect(r.status).toBe('done');
      if (r.status !== 'done') continue;
      expect(r.chain!.sampleMisfit.length).toBe(10);
      expect(r.chain!.samples.length).toBe(10 * cells);
      expect(r.chain!.acceptance.length).toBe(30);
      expect(r.history.misfit.length).toBe(r.chain!.from + 30);
    }
    // run.json records what ran: no refine stage.
    expect(readJson<{ config: { refine: number } }>(join(one, 'run.json')).config.refine).toBe(0);
    const summary = readJson<RunSummary>(join(one, 'summary.json'));
    expect(summary.chains!.chains).toBe(3);
    expect(summary.chains!.samplesPerChain).toBe(10);
    expect(summary.chains!.logK!.rHatMax).toBeGreaterThanOrEqual(summary.chains!.logK!.rHatMedian);
    // Short chains from different starts have not mixed, and the report says so.
    expect(summary.chains!.warning).toMatch(/have not mixed/);
    const report = readFileSync(join(one, 'report.html'), 'utf8');
    expect(report).toContain('Chains (mcmc)');
    expect(summary.figures).toContain('figures/chain_traces.svg');
    expect(summary.figures).toContain('figures/logk_rhat.svg');
    // The ensemble mean is the mean of the 30 pooled samples, not of the 3 chains' last states.
    const pooled = new Float64Array(cells);
    for (const r of records) if (r.status === 'done') r.chain!.samples.forEach((v, i) => (pooled[i % cells] += v / 30));
    const mean = parseNpy(readFileSync(join(one, 'ensemble', 'logk_mean.npy'))).data;
    for (let i = 0; i < cells; i += 37) expect(mean[i]).toBeCloseTo(pooled[i], 5);
  });

  it('refuses --mode mcmc with a method other than ldim, and --thin beyond --steps, in one line', async () => {
    const caseDir = writeTestCase();
    const root = mkdtempSync(join(tmpdir(), 'ldinv-mcmc-'));
    const pixel = await runLdinv(['invert', '--case', caseDir, '--method', 'pixel', '--mode', 'mcmc', '--members', '2', '--out', join(root, 'p')]);
    expect(pixel.code).not.toBe(0);
    expect(pixel.stderr.trim()).toMatch(/^ldinv: --mode mcmc samples the initial noise z_T of ldim's prior .*got --method pixel$/);
    const prior = await writeTinyPrior();
    const thin = await runLdinv(['invert', '--case', caseDir, '--prior', prior, '--mode', 'mcmc', '--steps', '4', '--thin', '5', '--out', join(root, 't')]);
    expect(thin.code).not.toBe(0);
    expect(thin.stderr.trim().split('\n')).toHaveLength(1);
    expect(thin.stderr).toContain('--thin 5 keeps no sample of --steps 4');
    const refine = await runLdinv(['invert', '--case', caseDir, '--prior', prior, '--mode', 'mcmc', '--refine', '50', '--out', join(root, 'r')]);
    expect(refine.code).not.toBe(0);
    expect(refine.stderr.trim()).toBe('ldinv: --refine 50: --mode mcmc has no refine stage (its samples are the chains\' states)');
  });
});
