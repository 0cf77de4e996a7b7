import { describe, expect, it } from 'vitest';
import { fieldStatistics, meanRelativeL2, misclassifiedFraction, phasesOf } from './quality.ts';

describe('quality figures', () => {
  it('correlation at lags of a checkerboard alternates between -1 and +1', () => {
    const n = 8;
    const f = Float32Array.from({ length: n * n }, (_, k) => ((k % n) + Math.floor(k / n)) % 2 === 0 ? 1 : -1);
    const s = fieldStatistics(f, n, n, undefined, [1, 2, 3]);
    expect(s.mean).toBeCloseTo(0, 12);
    expect(s.variance).toBeCloseTo(1, 12);
    expect(s.correlation).toEqual({ '1': -1, '2': 1, '3': -1 });
  });

  it('averages the x and y directions: rows alternating in y give c(1) = (1 − 1)/2', () => {
    const f = Float32Array.from({ length: 16 }, (_, k) => (Math.floor(k / 4) % 2 === 0 ? 1 : -1));
    expect(fieldStatistics(f, 4, 4, undefined, [1]).correlation['1']).toBeCloseTo(0, 12);
  });

  it('phase figures of a two-phase field with a few off-phase cells', () => {
    const lo = 0;
    const hi = Math.log(10);
    const f = new Float32Array(100).fill(lo);
    f.fill(hi, 0, 30);
    f[50] = 1; // neither phase, below the midpoint
    f[51] = 2.25; // within 0.1 of hi
    expect(phasesOf(f)).toEqual([lo, Math.fround(hi)]);
    const s = fieldStatistics(f, 10, 10, [lo, hi], [1]);
    expect(s.volumeFraction).toBeCloseTo(0.31, 12);
    expect(s.nearPhase).toBeCloseTo(0.99, 12);
    const truth = new Float32Array(100).fill(lo).fill(hi, 0, 30);
    expect(misclassifiedFraction(f, truth, [lo, hi])).toBeCloseTo(0.01, 12);
  });

  it('relative L2 is averaged per field', () => {
    const b = Float32Array.from([1, 1, 1, 1, 2, 2, 2, 2]);
    const a = Float32Array.from([1.1, 1.1, 1.1, 1.1, 2, 2, 2, 2]);
    expect(meanRelativeL2(a, b, 4)).toBeCloseTo(0.05, 6);
  });
});

describe('misclassifiedFraction', () => {
  // Bimaterial truth: ln K = −2 on the left half, 1 on the right half of an 8x8 grid (threshold −0.5).
  const truth = Float64Array.from({ length: 64 }, (_, c) => (c % 8 < 4 ? -2 : 1));

  it('is 0 for the truth and for any estimate on the right side of the midpoint', () => {
    expect(misclassifiedFraction(truth, truth)).toBe(0);
    expect(misclassifiedFraction(truth.map((v) => (v < 0 ? -0.6 : -0.4)), truth)).toBe(0);
  });

  it('counts the cells of a shifted interface: one column of 8 is 1/8', () => {
    const shifted = Float64Array.from({ length: 64 }, (_, c) => (c % 8 < 5 ? -2 : 1));
    expect(misclassifiedFraction(shifted, truth)).toBe(1 / 8);
    // Explicit phases move the threshold: with low 0 and high 2 the threshold is 1, so no cell is 'high'.
    expect(misclassifiedFraction(truth, truth.map(() => 0), [0, 2])).toBe(0);
  });

  it('is 1 for the swapped phases', () => {
    expect(misclassifiedFraction(truth.map((v) => (v < 0 ? 1 : -2)), truth)).toBe(1);
  });

  it('refuses arrays of different lengths and phases that do not differ', () => {
    expect(() => misclassifiedFraction(truth.subarray(1), truth)).toThrow('misclassifiedFraction: estimate has 63 values, truth has 64');
    expect(() => misclassifiedFraction(truth, truth.map(() => 1))).toThrow('misclassifiedFraction: phases must differ, got low 1 and high 1');
  });
});
