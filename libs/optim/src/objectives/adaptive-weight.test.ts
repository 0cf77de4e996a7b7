import { describe, expect, it } from 'vitest';
import { INVERT_DEFAULTS } from '../invert-options.ts';
import { invert } from '../invert.ts';
import { tinyPrior } from '../methods/tiny-prior.fixture.ts';
import { cellCentres, cellField, syntheticProblem, tomographyProblem } from '../test-cases.fixture.ts';
import { AdaptiveWeight } from './adaptive-weight.ts';

describe('AdaptiveWeight', () => {
  const o = { ...INVERT_DEFAULTS, priorWeight: 1, priorWeightWindow: 10, priorWeightDecay: 3, priorWeightFloor: 0.05, priorWeightStall: 0.05 };
  const run = (misfits: (k: number) => number, iterations: number, options = o) => {
    const w = new AdaptiveWeight(options);
    return Array.from({ length: iterations }, (_, k) => w.update(misfits(k)));
  };

  it('divides λ by κ every window while χ²/M stalls above 1 + noiseTolerance, down to the floor', () => {
    const lambdas = run(() => 4, 60);
    // The first window only sets the reference; drops at iterations 20, 30, 40 (1/3, 1/9, 1/27 → floor 0.05).
    expect(lambdas[18]).toBe(1);
    expect(lambdas[19]).toBeCloseTo(1 / 3, 15);
    expect(lambdas[29]).toBeCloseTo(1 / 9, 15);
    expect(lambdas[39]).toBeCloseTo(0.05, 15);
    expect(lambdas[59]).toBeCloseTo(0.05, 15);
  });

  it('keeps λ while χ²/M improves by more than the stall fraction per window, and once it fits', () => {
    expect(run((k) => 100 * 0.99 ** k, 100).every((l) => l === 1)).toBe(true); // 10 % better per window
    expect(run(() => 1.05, 100).every((l) => l === 1)).toBe(true); // at the noise level (≤ 1.1)
    expect(run(() => 4, 100, { ...o, priorWeightWindow: 0 }).every((l) => l === 1)).toBe(true); // rule off
    // noiseTolerance null: the target is χ²/M = 1.
    expect(run(() => 1.05, 100, { ...o, noiseTolerance: null }).at(-1)).toBeCloseTo(0.05, 15);
  });
});

describe('adaptive λ in the latent descent', () => {
  it('lowers λ of ldim members that stall above the noise level (truth outside the decoder range)', async () => {
    const grid = { nx: 16, ny: 16 };
    const truth = cellField(grid, (x, y) => 0.8 * Math.sin(3 * x) * Math.cos(2 * y));
    const sensors = cellCentres(grid).filter((_, i) => i % 5 === 0);
    const { problem } = syntheticProblem(tomographyProblem(grid), truth, sensors, 3e-3);
    const members = [{ index: 0, seed: 1 }, { index: 1, seed: 2 }];
    const options = { method: 'ldim' as const, members, iterations: 100, learningRate: 0.1, initSteps: 6, refineIterations: 0, stallWindow: 0 };
    const adaptive = await invert(problem, tinyPrior(), { ...options, priorWeightWindow: 10 });
    const fixed = await invert(problem, tinyPrior(), { ...options, priorWeightWindow: 0 });
    for (const [b, m] of adaptive.members.entries()) {
      expect(m.priorWeight).toBeLessThan(0.5); // measured 0.012 and 0.01 (the floor)
      expect(fixed.members[b].priorWeight).toBe(1);
    }
  });
});
