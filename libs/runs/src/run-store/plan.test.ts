import { describe, expect, it } from 'vitest';
import { autoBatch } from './run-config.ts';
import { memberSeed, planBatches } from './plan.ts';

describe('member seeds and batches', () => {
  it('derive a member seed from (run seed, index) only: fixed values, distinct, uint32', () => {
    const seeds = Array.from({ length: 1000 }, (_, m) => memberSeed(42, m));
    expect(new Set(seeds).size).toBe(1000);
    expect(seeds.every((s) => Number.isInteger(s) && s >= 0 && s < 2 ** 32)).toBe(true);
    // Pinned: a change here silently changes every run's members.
    expect([memberSeed(0, 0), memberSeed(0, 1), memberSeed(1, 0)]).toEqual([2462723854, 1020716019, 1348811757]);
  });

  it('split members in order into tasks of at most `batch`', () => {
    expect(planBatches([0, 1, 2, 3, 4], 2)).toEqual([[0, 1], [2, 3], [4]]);
    expect(planBatches([5, 9], 4)).toEqual([[5, 9]]);
    expect(() => planBatches([1], 0)).toThrow('--batch must be an integer >= 1, got 0');
  });

  it('default batch: at most 4, and at least two tasks per worker', () => {
    expect(autoBatch(16, 2)).toBe(4);
    expect(autoBatch(32, 2)).toBe(4);
    expect(autoBatch(4, 2)).toBe(1);
    expect(autoBatch(12, 2)).toBe(3);
    expect(autoBatch(1, 8)).toBe(1);
  });
});
