import { describe, expect, it } from 'vitest';
import { normals } from './calibrated-ensemble.fixture.ts';
import { chiSquaredPerDatum } from './chi-squared.ts';

describe('chiSquaredPerDatum', () => {
  it('is Σ r²/σ² / M over all tests', () => {
    const value = chiSquaredPerDatum(
      [new Float64Array([1, 2]), new Float64Array([0])],
      [new Float64Array([0, 2]), new Float64Array([3])],
      [new Float64Array([0.5, 1]), new Float64Array([1])],
    );
    expect(value).toBeCloseTo((4 + 0 + 9) / 3, 15);
  });

  it('is ≈ 1 for data with Gaussian noise of the stated σ (20000 data, ±0.03 ≈ 3 standard errors)', () => {
    const m = 20000;
    const noise = normals(m, 11);
    const sigma = Float64Array.from({ length: m }, (_, i) => 0.01 * (1 + (i % 5)));
    const truth = Float64Array.from({ length: m }, (_, i) => Math.cos(i));
    const data = truth.map((v, i) => v + sigma[i] * noise[i]);
    expect(Math.abs(chiSquaredPerDatum([truth], [data], [sigma]) - 1)).toBeLessThan(0.03);
  });
});
