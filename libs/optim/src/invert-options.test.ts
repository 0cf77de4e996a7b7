import { describe, expect, it } from 'vitest';
import { adamOptionsOf, INVERT_DEFAULTS, resolveInvertOptions } from './invert-options.ts';

describe('resolveInvertOptions', () => {
  it('fills the defaults and keeps what was given; the Adam horizon is the iteration budget', () => {
    const o = resolveInvertOptions({ method: 'pixel', iterations: 50 });
    expect(o).toEqual({ ...INVERT_DEFAULTS, method: 'pixel', iterations: 50 });
    expect(adamOptionsOf(o).horizon).toBe(50);
  });

  it('rejects bad values with one line naming the option and the value', () => {
    expect(() => resolveInvertOptions({ method: 'magic' as never })).toThrow(
      'invert option method must be one of ldim, pixel, vae, pinn, got "magic"',
    );
    expect(() => resolveInvertOptions({ iterations: 0 })).toThrow('invert option iterations must be an integer >= 1, got 0');
    expect(() => resolveInvertOptions({ members: [] })).toThrow('invert option members must be a non-empty list, got []');
    expect(() => resolveInvertOptions({ tMin: 0.5, tMax: 0.3 })).toThrow(
      'invert option tMin, tMax must be 0 < tMin <= tMax < 1, got [0.5,0.3]',
    );
    expect(() => resolveInvertOptions({ noiseTolerance: -1 })).toThrow('invert option noiseTolerance must be >= 0 or null, got -1');
    expect(() => resolveInvertOptions({ param: 'z' as never })).toThrow('invert option param must be one of latent, noise, got "z"');
    expect(() => resolveInvertOptions({ refineIterations: -1 })).toThrow('invert option refineIterations must be an integer >= 0, got -1');
    expect(() => resolveInvertOptions({ priorWeightWindow: 2.5 })).toThrow('invert option priorWeightWindow must be an integer >= 0, got 2.5');
    expect(() => resolveInvertOptions({ priorWeightDecay: 1 })).toThrow('invert option priorWeightDecay must be > 1, got 1');
    expect(() => resolveInvertOptions({ priorWeightFloor: 0 })).toThrow('invert option priorWeightFloor must be in (0, 1], got 0');
    expect(() => resolveInvertOptions({ priorWeightStall: 1 })).toThrow('invert option priorWeightStall must be in [0, 1), got 1');
    expect(() => resolveInvertOptions({ refineAnchor: -1 })).toThrow('invert option refineAnchor must be >= 0, got -1');
    expect(() => resolveInvertOptions({ refineLearningRate: 0 })).toThrow('invert option refineLearningRate must be > 0, got 0');
  });
});
