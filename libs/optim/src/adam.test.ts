import { describe, expect, it } from 'vitest';
import { ArrayAdam, ADAM_DEFAULTS, learningRateAt } from './adam.ts';

describe('learningRateAt', () => {
  const o = { ...ADAM_DEFAULTS, learningRate: 0.1, finalFraction: 0.01, horizon: 100 };

  it('cosine: lr at 0, the midpoint of lr and lr_min at K/2, lr_min from K on', () => {
    expect(learningRateAt(0, o)).toBeCloseTo(0.1, 15);
    expect(learningRateAt(50, o)).toBeCloseTo(0.5 * (0.1 + 0.001), 15);
    expect(learningRateAt(100, o)).toBeCloseTo(0.001, 15);
    expect(learningRateAt(500, o)).toBeCloseTo(0.001, 15);
  });

  it('exponential: geometric decay, lr·√f at K/2', () => {
    const e = { ...o, schedule: 'exponential' as const };
    expect(learningRateAt(50, e)).toBeCloseTo(0.01, 15);
    expect(learningRateAt(100, e)).toBeCloseTo(0.001, 15);
  });
});

describe('ArrayAdam', () => {
  it('matches the textbook Algorithm 1 step by step (Float32 and Float64 parameters)', () => {
    const o = { ...ADAM_DEFAULTS, learningRate: 0.1, horizon: 10, epsilon: 1e-3 };
    const adam = new ArrayAdam(2, o);
    const x = new Float64Array([1, -2]);
    const x32 = new Float32Array([1, -2]);
    const adam32 = new ArrayAdam(2, o);
    const ref = [1, -2];
    const m = [0, 0];
    const v = [0, 0];
    for (let k = 1; k <= 5; k++) {
      const g = [3 * ref[0] + 0.5, Math.sin(ref[1])];
      adam.step(x, [3 * x[0] + 0.5, Math.sin(x[1])]);
      adam32.step(x32, [3 * x32[0] + 0.5, Math.sin(x32[1])]);
      const lr = learningRateAt(k - 1, o);
      for (let i = 0; i < 2; i++) {
        m[i] = 0.9 * m[i] + 0.1 * g[i];
        v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
        const mh = m[i] / (1 - 0.9 ** k);
        const vh = v[i] / (1 - 0.999 ** k);
        ref[i] -= (lr * mh) / (Math.sqrt(vh) + 1e-3);
      }
      expect(x[0]).toBeCloseTo(ref[0], 13);
      expect(x[1]).toBeCloseTo(ref[1], 13);
      expect(x32[1]).toBeCloseTo(ref[1], 6);
    }
    expect(adam.iteration).toBe(5);
  });

  it('the first step moves every coordinate by lr against the sign of its gradient', () => {
    const adam = new ArrayAdam(3, { ...ADAM_DEFAULTS, learningRate: 0.2 });
    const x = new Float64Array(3);
    adam.step(x, [0.1, -50, 7]);
    expect(Array.from(x).map((v) => +v.toFixed(6))).toEqual([-0.2, 0.2, -0.2]);
  });

  it('minimises an ill-conditioned quadratic to 1e-4 in 300 iterations with the cosine schedule', () => {
    const a = [1, 100, 1e4];
    const c = [0.5, -1, 2];
    const x = new Float64Array(3);
    const adam = new ArrayAdam(3, { ...ADAM_DEFAULTS, learningRate: 0.1, horizon: 300, finalFraction: 1e-3 });
    const g = new Float64Array(3);
    for (let k = 0; k < 300; k++) {
      for (let i = 0; i < 3; i++) g[i] = a[i] * (x[i] - c[i]);
      adam.step(x, g);
    }
    for (let i = 0; i < 3; i++) expect(Math.abs(x[i] - c[i])).toBeLessThan(1e-4);
  });
});
