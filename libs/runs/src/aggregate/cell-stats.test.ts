import { describe, expect, it } from 'vitest';
import { cellStats, sortedQuantile } from './cell-stats.ts';

describe('cellStats', () => {
  it('matches hand-computed mean, sample std and type-7 quantiles per cell', () => {
    // Cell 0 holds 1..5, cell 1 holds 10, 0, 30, 20, 40 (unsorted on purpose).
    const members = [[1, 10], [2, 0], [3, 30], [4, 20], [5, 40]].map((m) => Float64Array.from(m));
    const s = cellStats(members);
    expect(Array.from(s.mean)).toEqual([3, 20]);
    expect(s.std[0]).toBeCloseTo(Math.sqrt(2.5), 14); // Σ(x−3)² = 10, / (n−1) = 2.5
    expect(s.std[1]).toBeCloseTo(Math.sqrt(250), 12);
    // np.quantile([1..5], 0.05) = 1 + 0.2 * 1 = 1.2; 0.95 -> 4.8; median 3.
    expect(s.q05[0]).toBeCloseTo(1.2, 14);
    expect(s.q50[0]).toBe(3);
    expect(s.q95[0]).toBeCloseTo(4.8, 14);
    expect(s.q05[1]).toBeCloseTo(2, 12);
    expect(s.q95[1]).toBeCloseTo(38, 12);
  });

  it('gives zero spread for one member and rejects ragged input', () => {
    const s = cellStats([Float64Array.of(2, 3)]);
    expect(Array.from(s.std)).toEqual([0, 0]);
    expect(Array.from(s.q05)).toEqual([2, 3]);
    expect(() => cellStats([Float64Array.of(1, 2), Float64Array.of(1)])).toThrow('cellStats: member 1 has 1 values, member 0 has 2');
    expect(() => cellStats([])).toThrow('cellStats: no members');
  });

  it('keeps precision when the spread is tiny next to the mean', () => {
    const members = [1e8 + 1, 1e8 + 2, 1e8 + 3].map((v) => Float64Array.of(v));
    expect(cellStats(members).std[0]).toBeCloseTo(1, 10);
  });

  it('interpolates quantiles between order statistics', () => {
    expect(sortedQuantile([0, 10], 0.25)).toBe(2.5);
    expect(sortedQuantile([7], 0.95)).toBe(7);
  });
});
