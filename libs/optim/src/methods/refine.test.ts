import { createRng, taylorTest } from '@ldinv/tensor';
import { describe, expect, it } from 'vitest';
import { resolveInvertOptions } from '../invert-options.ts';
import { invert } from '../invert.ts';
import { MemberRun } from '../member-run.ts';
import { DataMisfit } from '../objectives/data-misfit.ts';
import { relativeL2 } from '../metrics/relative-l2.ts';
import { cellCentres, cellField, syntheticProblem, tomographyProblem } from '../test-cases.fixture.ts';
import { refineMember, refineRegulariser } from './refine.ts';
import { tinyPrior } from './tiny-prior.fixture.ts';

describe('ldim refine stage', () => {
  const prior = tinyPrior();
  const grid = { nx: 16, ny: 16 };
  const sensors = cellCentres(grid).filter((_, i) => i % 5 === 0);
  const members = [
    { index: 0, seed: 1 },
    { index: 1, seed: 2 },
  ];

  it('its regulariser μ ½|Y − Y_L|²/cells + λ ½∫|∇(Y − Y_L)|² has a gradient that passes the Taylor test', () => {
    const anchor = cellField(grid, (x, y) => x * y);
    const R = refineRegulariser(anchor, grid, 2, 0.1);
    const J = (m: Float64Array) => {
      const gradient = new Float64Array(256);
      return { value: R(m, gradient), gradient };
    };
    expect(R(anchor, new Float64Array(256))).toBe(0);
    const m = cellField(grid, (x, y) => Math.sin(4 * x) + y);
    const dm = cellField(grid, (x, y) => Math.cos(5 * y) - x);
    expect(Math.min(...taylorTest(J, m, dm, { eps0: 0.1 }).rates)).toBeGreaterThan(1.9);
  });

  it('lowers χ²/M below its start where the latent result does not fit; the history goes on across the stages', async () => {
    // A truth outside the random decoder's range: the latent stage stalls far above the noise level.
    const truth = cellField(grid, (x, y) => 0.8 * Math.sin(3 * x) * Math.cos(2 * y));
    const { problem } = syntheticProblem(tomographyProblem(grid), truth, sensors, 3e-3);
    const seen: number[][] = [[], []];
    const result = await invert(
      problem, prior,
      { method: 'ldim', members, iterations: 40, learningRate: 0.1, initSteps: 6, refineIterations: 150, refineLearningRate: 0.05 },
      (p) => seen[p.member].push(p.iteration),
    );
    for (const m of result.members) {
      const from = m.refineFrom!;
      expect(from).toBeGreaterThan(0);
      expect(from).toBeLessThanOrEqual(40);
      expect(m.iterations).toBe(m.history.misfit.length);
      expect(Array.from(m.history.iteration)).toEqual(Array.from({ length: m.iterations }, (_, k) => k));
      expect(seen[m.index]).toEqual(Array.from(m.history.iteration));
      const start = m.history.misfit[from];
      expect(start).toBeGreaterThan(5); // the latent result does not fit: measured 21.6 and 24.7
      // Measured 1.05 and 1.00 after 25 and 27 refine iterations: the refine reaches the noise level.
      expect(m.misfit).toBeLessThan(start / 4);
      expect(m.misfit).toBeLessThanOrEqual(1.1);
      expect(m.stopReason).toBe('noise-level');
      expect(m.misfit / m.history.misfit[m.iterations - 1]).toBeCloseTo(1, 12);
    }
  });

  it('a larger anchor weight μ keeps the correction Y − Y_L smaller', () => {
    const truth = cellField(grid, (x, y) => 0.5 * Math.sin(3 * x) + y);
    const { problem } = syntheticProblem(tomographyProblem(grid), truth, sensors, 3e-3);
    const latent = cellField(grid, (x, y) => 0.5 * Math.sin(3 * x) + y + 0.3 * Math.cos(4 * x * y));
    const moved = (refineAnchor: number) => {
      const options = resolveInvertOptions({ refineIterations: 60, refineAnchor, noiseTolerance: null, stallWindow: 0, refineLearningRate: 0.05 });
      const r = refineMember(problem, new DataMisfit(problem.observations, 256), latent, new MemberRun(members[0], options), options);
      return Math.sqrt(r.logK.reduce((a, v, c) => a + (v - latent[c]) ** 2, 0) / 256);
    };
    expect(moved(1000)).toBeLessThan(0.5 * moved(0.1)); // measured 0.050 and 0.222 rms ln K
  });

  it('leaves a latent result that already fits unchanged', async () => {
    // Data made from the ldim start field itself (noise of 0.7σ): the latent stage stops at its first
    // iteration, and so does the refine stage, at Y_L.
    const base = { method: 'ldim' as const, members, initSteps: 6 };
    const starts = await invert(syntheticProblem(tomographyProblem(grid), cellField(grid, () => 0), sensors, 1e-2).problem, prior, {
      ...base, iterations: 1, refineIterations: 0, noiseTolerance: null,
    });
    const rng = createRng(6);
    const noise = Array.from({ length: 4 * sensors.length }, () => 0.7 * rng.normal());
    for (const [b, start] of starts.members.entries()) {
      const { problem } = syntheticProblem(tomographyProblem(grid), start.logK, sensors, 1e-2, noise);
      const result = await invert(problem, prior, { ...base, members: [members[b]], iterations: 50, refineIterations: 50 });
      const [m] = result.members;
      expect(m.refineFrom).toBe(1);
      expect(m.iterations).toBe(2);
      expect(m.misfit).toBeLessThanOrEqual(1.1);
      expect(m.priorWeight).toBe(1); // a fit: the adaptive rule leaves λ alone
      expect(Math.max(...m.logK.map((v, c) => Math.abs(v - start.logK[c])))).toBeLessThan(1e-12);
    }
  });

  it('gives identical members for the same seeds (param noise, adaptive λ, refine)', async () => {
    const truth = cellField(grid, (x, y) => x - y);
    const { problem } = syntheticProblem(tomographyProblem(grid), truth, sensors, 3e-3);
    const options = { method: 'ldim' as const, param: 'noise' as const, mode: 'rml' as const, members, iterations: 30, initSteps: 4,
      priorWeightWindow: 5, refineIterations: 20 };
    const a = await invert(problem, prior, options);
    const b = await invert(problem, prior, options);
    for (const [k, m] of a.members.entries()) {
      expect(Array.from(b.members[k].logK)).toEqual(Array.from(m.logK));
      expect(Array.from(b.members[k].history.misfit)).toEqual(Array.from(m.history.misfit));
      expect(b.members[k].priorWeight).toBe(m.priorWeight);
    }
    expect(relativeL2(a.members[0].logK, a.members[1].logK)).toBeGreaterThan(0.01);
  });
});
