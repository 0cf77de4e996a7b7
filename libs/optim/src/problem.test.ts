import { describe, expect, it } from 'vitest';
import { buildInversionProblem, checkPriorGrid, inObservationOrder } from './problem.ts';

describe('buildInversionProblem', () => {
  const darcy = { grid: { nx: 8, ny: 8 }, bc: 'flow' as const, tests: [[], [{ x: 0.5, y: 0.5, rate: 1 }]] };
  const rows = [
    { x: 0.2, y: 0.3, head: 1, sigma: 0.1, test: 1 },
    { x: 0.4, y: 0.5, head: 2, sigma: 0.2, test: 0 },
    { x: 0.6, y: 0.7, head: 3, sigma: 0.3, test: 1 },
  ];

  it('groups rows by test, keeps their order and maps predictions back to row order', () => {
    const p = buildInversionProblem(darcy, rows);
    expect(p.M).toBe(3);
    expect(p.observations.map((o) => o.operator.count)).toEqual([1, 2]);
    expect(Array.from(p.observations[1].data)).toEqual([1, 3]);
    expect(Array.from(p.observations[1].sigma)).toEqual([0.1, 0.3]);
    expect(Array.from(inObservationOrder(p, [[20], [10, 30]]))).toEqual([10, 20, 30]);
  });

  it('rejects a test id the case does not have, and a prior for another grid', () => {
    expect(() => buildInversionProblem(darcy, [{ ...rows[0], test: 2 }])).toThrow(
      'obs.csv row 1: test must be an integer in [0, 1] (the case has 2 tests), got 2',
    );
    const p = buildInversionProblem(darcy, rows);
    expect(() => checkPriorGrid(p, { manifest: { name: 'grf64', grid: { nx: 64, ny: 64 } } })).toThrow(
      "prior 'grf64' is for a 64x64 grid, the case grid is 8x8",
    );
  });
});
