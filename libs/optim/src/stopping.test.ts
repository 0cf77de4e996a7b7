import { describe, expect, it } from 'vitest';
import { StoppingRule } from './stopping.ts';

describe('StoppingRule', () => {
  const base = { noiseTolerance: 0.1, stallWindow: 3, stallTolerance: 0.01, maxIterations: 100 };

  it('stops at the noise level χ²/M ≤ 1 + tolerance, not above it', () => {
    const rule = new StoppingRule(base);
    expect(rule.update(0, 5)).toBeNull();
    expect(rule.update(1, 1.11)).toBeNull();
    expect(rule.update(2, 1.09)).toBe('noise-level');
  });

  it('stops when the best χ²/M has not improved by 1 % within 3 iterations, despite noise', () => {
    const rule = new StoppingRule(base);
    const misfits = [10, 8, 7.99, 8.5, 7.95, 7.97]; // best 8 at k = 1; 7.95 is only 0.6 % better
    const reasons = misfits.map((m, k) => rule.update(k, m));
    expect(reasons).toEqual([null, null, null, null, 'stalled', 'stalled']);
  });

  it('keeps going while χ²/M improves and stops at the budget; null tolerance disables the noise rule', () => {
    const rule = new StoppingRule({ ...base, noiseTolerance: null, maxIterations: 4 });
    expect([0, 1, 2, 3].map((k) => rule.update(k, 0.5 / (k + 1)))).toEqual([null, null, null, 'max-iterations']);
  });

  it('rejects a non-finite misfit with the iteration', () => {
    expect(() => new StoppingRule(base).update(7, NaN)).toThrow('misfit χ²/M is not finite at iteration 7: NaN');
  });
});
