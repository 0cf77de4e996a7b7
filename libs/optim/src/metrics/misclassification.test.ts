import { describe, expect, it } from 'vitest';
import { misclassifiedFraction } from './misclassification.ts';

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
    expect(misclassifiedFraction(truth, truth.map(() => 0), { low: 0, high: 2 })).toBe(0);
  });

  it('is 1 for the swapped phases', () => {
    expect(misclassifiedFraction(truth.map((v) => (v < 0 ? 1 : -2)), truth)).toBe(1);
  });
});
