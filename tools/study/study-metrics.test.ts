import { describe, expect, it } from 'vitest';
import { relativeL2 } from '@ldinv/optim';
import { comparisonRow, infiniteEnsembleError, pairedDifference, pairedVerdict, type CellFigures } from './study-metrics.ts';

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

describe('pairedDifference', () => {
  it('is the mean of the per-case differences with s/√n as its standard error', () => {
    // differences 0.1, -0.1, 0.3, 0.1: mean 0.1, s² = (0 + 0.04 + 0.04 + 0) / 3, s.e. = √(0.08/3/4)
    const d = pairedDifference([0.5, 0.4, 0.9, 0.6], [0.4, 0.5, 0.6, 0.5]);
    expect(d.cases).toBe(4);
    expect(d.mean).toBeCloseTo(0.1, 12);
    expect(d.se).toBeCloseTo(Math.sqrt(0.08 / 12), 12);
  });

  it('pairs by case: a shift common to both methods does not enter the standard error', () => {
    const hard = [0.2, 0.9, 0.4, 0.7];
    const d = pairedDifference(hard.map((x) => x + 0.05), hard);
    expect(d.mean).toBeCloseTo(0.05, 12);
    expect(d.se).toBeCloseTo(0, 12);
  });

  it('has no standard error from one case and rejects unpaired lists', () => {
    expect(pairedDifference([0.5], [0.4]).se).toBeNull();
    expect(() => pairedDifference([0.5, 0.4], [0.4])).toThrow('paired difference: needs the same cases for both methods, got 2 and 1');
  });
});

describe('pairedVerdict', () => {
  it('says wins only beyond two standard errors', () => {
    expect(pairedVerdict({ cases: 20, mean: -0.05, se: 0.02 }, 'ldim+refine', 'pixel')).toBe('ldim+refine wins');
    expect(pairedVerdict({ cases: 20, mean: -0.039, se: 0.02 }, 'ldim+refine', 'pixel')).toBe('no significant difference');
    expect(pairedVerdict({ cases: 20, mean: 0.010, se: 0.016 }, 'ldim+refine', 'pixel')).toBe('no significant difference');
    expect(pairedVerdict({ cases: 20, mean: 0.041, se: 0.02 }, 'ldim+refine', 'pixel')).toBe('pixel wins');
    expect(pairedVerdict({ cases: 1, mean: -1, se: null }, 'ldim+refine', 'pixel')).toBe('too few cases (1) for a verdict');
    expect(pairedVerdict({ cases: 9, mean: -0.1, se: 0.01 }, 'ldim+refine', 'pixel')).toBe('too few cases (9) for a verdict');
  });
});

describe('comparisonRow', () => {
  const cell = (ensembleRelL2: number, coverageT: number): CellFigures => ({
    singleRelL2: ensembleRelL2 + 0.1, ensembleRelL2, infiniteEnsembleRelL2: null, singleSsim: null, ensembleSsim: null,
    singleMisclassified: null, ensembleMisclassified: null, fit1: 1, fit15: 1, errorCv: 0.1, coverageT, coverageEmpirical: null,
    spreadSkill: null, errors: [ensembleRelL2 + 0.1], msPerIteration: 1,
  });

  it('keeps each case\'s errors in seed order and takes the difference first method minus second', () => {
    // Cases 1-3 differ by −0.10, −0.03, −0.05; cases 4-10 repeat case 2 (difference −0.03).
    const pairs: [CellFigures, CellFigures][] = [
      [cell(0.40, 0.9), cell(0.50, 0.2)],
      [cell(0.45, 0.8), cell(0.48, 0.3)],
      [cell(0.50, 1.0), cell(0.55, 0.1)],
      ...Array.from({ length: 7 }, (): [CellFigures, CellFigures] => [cell(0.45, 0.8), cell(0.48, 0.3)]),
    ];
    const row = comparisonRow('bimaterial', 8, ['ldim+refine', 'pixel'], pairs.map((_, k) => 2401 + k), pairs);
    expect(row.errors[0].slice(0, 3)).toEqual([0.40, 0.45, 0.50]);
    expect(row.errors[1].slice(0, 3)).toEqual([0.50, 0.48, 0.55]);
    // mean −0.39/10 = −0.039; deviations −0.061, +0.009 (8 times), −0.011: s² = 0.00449/9, s.e. = √(s²/10) = 0.0071
    expect(row.difference.mean).toBeCloseTo(-0.039, 12);
    expect(row.difference.se).toBeCloseTo(Math.sqrt(0.00449 / 90), 12);
    expect(row.verdict).toBe('ldim+refine wins');
    expect(row.figures[0].ensembleRelL2).toBeCloseTo(0.45, 12);
    expect(row.figures[1].coverageT).toBeCloseTo(0.27, 12);
    expect(row.figures[0]).not.toHaveProperty('errors');
  });
});
