import { describe, expect, it } from 'vitest';
import { relativeL2, relativeL2OfHeads, relativeL2OfK } from './relative-l2.ts';

describe('relative L2', () => {
  const truth = Float64Array.from({ length: 50 }, (_, i) => Math.sin(i) + 2);

  it('is 0 for identical fields and |s − 1| for a field scaled by s', () => {
    expect(relativeL2(truth, truth)).toBe(0);
    expect(relativeL2(truth.map((v) => 1.3 * v), truth)).toBeCloseTo(0.3, 14);
  });

  it('of K: a uniform shift c of ln K gives |e^c − 1|', () => {
    expect(relativeL2OfK(truth.map((v) => v + 0.1), truth)).toBeCloseTo(Math.expm1(0.1), 14);
  });

  it('of heads pools all tests: ‖(δ, 0)‖ / ‖(h1, h2)‖', () => {
    const h1 = new Float64Array([3, 0]);
    const h2 = new Float64Array([0, 4]);
    // Error only in test 1: ‖(1, 0)‖ / 5.
    expect(relativeL2OfHeads([new Float64Array([4, 0]), h2], [h1, h2])).toBeCloseTo(0.2, 15);
  });

  it('rejects mismatched lengths and a zero truth', () => {
    expect(() => relativeL2(new Float64Array(3), new Float64Array(4))).toThrow(
      'relativeL2: estimate has 3 values, truth has 4',
    );
    expect(() => relativeL2(new Float64Array(3), new Float64Array(3))).toThrow('truth has zero norm');
  });
});
