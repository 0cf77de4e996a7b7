import { describe, expect, it } from 'vitest';
import { adamOptionsOf, INVERT_DEFAULTS, resolveInvertOptions } from './invert-options.ts';

describe('resolveInvertOptions', () => {
  it('fills the defaults and keeps what was given; the Adam horizon is the iteration budget', () => {
    const o = resolveInvertOptions({ method: 'pixel', iterations: 50 });
    expect(o).toEqual({ ...INVERT_DEFAULTS, method: 'pixel', iterations: 50 });
    expect(adamOptionsOf(o).horizon).toBe(50);
  });

  it('rejects bad values with one line naming the option and the value', () => {
    expect(() => resolveInvertOptions({ method: 'pinn' as never })).toThrow(
      'invert option method must be one of ldim, pixel, vae, got "pinn"',
    );
    expect(() => resolveInvertOptions({ iterations: 0 })).toThrow('invert option iterations must be an integer >= 1, got 0');
    expect(() => resolveInvertOptions({ members: [] })).toThrow('invert option members must be a non-empty list, got []');
    expect(() => resolveInvertOptions({ tMin: 0.5, tMax: 0.3 })).toThrow(
      'invert option tMin, tMax must be 0 < tMin <= tMax < 1, got [0.5,0.3]',
    );
    expect(() => resolveInvertOptions({ noiseTolerance: -1 })).toThrow('invert option noiseTolerance must be >= 0 or null, got -1');
  });
});
