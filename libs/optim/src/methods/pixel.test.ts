import { createRng } from '@ldinv/tensor';
import { describe, expect, it } from 'vitest';
import { invert } from '../invert.ts';
import { relativeL2 } from '../metrics/relative-l2.ts';
import { cellCentres, cellField, syntheticProblem, tomographyProblem } from '../test-cases.fixture.ts';

describe('pixel', () => {
  it('recovers a smooth ln K from dense noise-free heads of 4 tests on 16x16 to 5 % (relative L2)', async () => {
    const grid = { nx: 16, ny: 16 };
    const truth = cellField(grid, (x, y) => 1 + 0.5 * Math.sin(2 * Math.PI * x) * Math.sin(Math.PI * y));
    const { problem } = syntheticProblem(tomographyProblem(grid), truth, cellCentres(grid), 1e-3);
    problem.truthLogK = truth;
    // Per-cell Adam converges slowly on smooth modes: 2000 cheap iterations (~0.3 ms each here).
    const result = await invert(problem, null, {
      method: 'pixel',
      iterations: 2000,
      learningRate: 0.1,
      lrFinalFraction: 0.01,
      smoothness: 1e-2,
      noiseTolerance: null,
      stallWindow: 0,
    });
    const [member] = result.members;
    const error = relativeL2(member.logK, truth);
    expect(error).toBeLessThan(0.05); // measured 0.013
    expect(member.iterations).toBe(2000);
    expect(member.stopReason).toBe('max-iterations');
    expect(member.history.misfit[1999]).toBeLessThan(1e-5 * member.history.misfit[0]);
    expect(member.misfit).toBe(member.history.misfit[1999]);
    // With a truth the history also traces the ln K error, ending at the final field's error.
    const trace = member.history.logKError!;
    expect(trace).toHaveLength(2000);
    expect(trace[1999]).toBeCloseTo(error, 12);
    expect(trace[0]).toBeCloseTo(relativeL2(new Float64Array(truth.length), truth), 12); // start: ln K = 0
  });

  it('gives the same members for the same seeds (rml + random start) and different ones for other seeds', async () => {
    const grid = { nx: 8, ny: 8 };
    const truth = cellField(grid, (x, y) => x - y);
    const { problem } = syntheticProblem(tomographyProblem(grid), truth, cellCentres(grid), 1e-3);
    const options = {
      method: 'pixel' as const,
      mode: 'rml' as const,
      iterations: 20,
      pixelInitStd: 0.3,
      members: [
        { index: 0, seed: 11 },
        { index: 1, seed: 12 },
      ],
    };
    const progress: number[] = [];
    const a = await invert(problem, null, options, (p) => progress.push(p.member));
    const b = await invert(problem, null, options);
    expect(b.members.map((m) => m.logK)).toEqual(a.members.map((m) => m.logK));
    expect(relativeL2(a.members[0].logK, a.members[1].logK)).toBeGreaterThan(0.01);
    expect(progress.filter((m) => m === 1).length).toBe(a.members[1].iterations);
  });

  it('stops at the noise level (χ²/M ≤ 1.1) on data with noise of the stated σ', async () => {
    const grid = { nx: 8, ny: 8 };
    const truth = cellField(grid, (x, y) => 0.5 * x * y);
    const rng = createRng(9);
    const noise = Array.from({ length: 4 * 22 }, () => rng.normal());
    const sensors = cellCentres(grid).filter((_, i) => i % 3 === 0);
    const { problem } = syntheticProblem(tomographyProblem(grid), truth, sensors, 1e-3, noise);
    const result = await invert(problem, null, { method: 'pixel', iterations: 500, noiseTolerance: 0.1 });
    const [member] = result.members;
    expect(member.stopReason).toBe('noise-level');
    expect(member.history.misfit.at(-1)).toBeLessThanOrEqual(1.1);
    expect(member.iterations).toBeLessThan(500);
  });
});
