import { describe, expect, it } from 'vitest';
import { calibratedEnsemble } from './calibrated-ensemble.fixture.ts';
import { spreadSkill } from './spread-skill.ts';

describe('spreadSkill', () => {
  it('is ≈ 1 for a calibrated 8-member ensemble (20000 cells, ±0.03)', () => {
    const { truth, members } = calibratedEnsemble(20000, 8, 7);
    expect(Math.abs(spreadSkill(members, truth).ratio - 1)).toBeLessThan(0.03);
  });

  it('is √3 for members twice as wide as the truth: √((n+1)/n · 4 / (1 + 4/n)) at n = 8', () => {
    const { truth, members } = calibratedEnsemble(20000, 8, 8, 2);
    expect(spreadSkill(members, truth).ratio).toBeCloseTo(Math.sqrt(3), 1);
  });

  it('reports spread and RMSE on a hand example', () => {
    const r = spreadSkill([new Float64Array([0, 0]), new Float64Array([2, 2])], new Float64Array([1, 3]));
    expect(r.spread).toBeCloseTo(Math.SQRT2, 14); // unbiased variance 2 in each cell
    expect(r.skill).toBeCloseTo(Math.SQRT2, 14); // errors 0 and 2
    expect(r.ratio).toBeCloseTo(Math.sqrt(1.5), 14);
  });
});
