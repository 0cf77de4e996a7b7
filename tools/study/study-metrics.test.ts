import { describe, expect, it } from 'vitest';
import { relativeL2 } from '@ldinv/optim';
import { infiniteEnsembleError } from './study-metrics.ts';

describe('infiniteEnsembleError', () => {
  it('recovers the error of the members\' expected field from N members with orthogonal deviations', () => {
    // truth t, expected field μ = t + b, member i = μ + d_i with mutually orthogonal d_i of equal norm
    // (and orthogonal to b): the identity behind the estimate then holds exactly, not only on average.
    const n = 8;
    const cells = 64;
    const truth = Float64Array.from({ length: cells }, (_, k) => 1 + Math.cos(k));
    const bias = Float64Array.from({ length: cells }, (_, k) => (k === 40 ? 0.7 : 0));
    const members = Array.from({ length: n }, (_, i) => truth.map((v, k) => v + bias[k] + (k === i ? 0.9 : 0)));
    const mean = truth.map((_, k) => members.reduce((a, m) => a + m[k], 0) / n);
    const got = infiniteEnsembleError(relativeL2(mean, truth), members.map((m) => relativeL2(m, truth)));
    expect(got).toBeCloseTo(relativeL2(truth.map((v, k) => v + bias[k]), truth), 12);
    // The mean of 8 members still carries 1/8 of their spread.
    expect(relativeL2(mean, truth)).toBeGreaterThan(got!);
  });

  it('is null for one member and clips at 0 when the spread explains all of the error', () => {
    expect(infiniteEnsembleError(0.5, [0.5])).toBeNull();
    expect(infiniteEnsembleError(0.1, [1, 1, 1, 1])).toBe(0);
  });
});
