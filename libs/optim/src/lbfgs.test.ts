import { describe, expect, it } from 'vitest';
import { minimizeLbfgs, type SmoothObjective } from './lbfgs.ts';

describe('minimizeLbfgs', () => {
  it('solves an ill-conditioned quadratic (condition number 1e4) to its minimiser', () => {
    const n = 50;
    const d = Float64Array.from({ length: n }, (_, i) => 10 ** ((4 * i) / (n - 1)));
    const b = Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1));
    const f: SmoothObjective = (x, g) => {
      let v = 0;
      for (let i = 0; i < n; i++) {
        g[i] = d[i] * x[i] - b[i];
        v += 0.5 * d[i] * x[i] * x[i] - b[i] * x[i];
      }
      return v;
    };
    const x = new Float64Array(n);
    const r = minimizeLbfgs(f, x, { maxIterations: 1000, relativeDecrease: 1e-16 });
    expect(r.stopReason).not.toBe('max-iterations');
    for (let i = 0; i < n; i++) expect(Math.abs(x[i] - b[i] / d[i])).toBeLessThan(1e-6 * Math.max(1, Math.abs(b[i] / d[i])));
  });

  it('finds the Rosenbrock minimum (1, 1)', () => {
    const f: SmoothObjective = (x, g) => {
      const [a, b] = x;
      g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
      g[1] = 200 * (b - a * a);
      return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
    };
    const x = Float64Array.of(-1.2, 1);
    const r = minimizeLbfgs(f, x, { maxIterations: 500, relativeDecrease: 1e-20 });
    expect(Math.abs(x[0] - 1)).toBeLessThan(1e-5);
    expect(Math.abs(x[1] - 1)).toBeLessThan(1e-5);
    expect(r.value).toBeLessThan(1e-10);
  });

  it('lengthens a short first step and shortens one that lands where f is not finite', () => {
    // The first direction has unit length, 100 short of the minimum: the search doubles up to 16,
    // where f is not finite, and bisects back to 12, where the curvature condition holds.
    const trials: number[] = [];
    const f: SmoothObjective = (x, g) => {
      trials.push(x[0]);
      if (x[0] > 14 && x[0] < 20) return NaN; // a band the search crosses, the minimum beyond it
      g[0] = x[0] - 100;
      return 0.5 * (x[0] - 100) ** 2;
    };
    const x = new Float64Array(1);
    minimizeLbfgs(f, x, { maxIterations: 20 });
    expect(Math.abs(x[0] - 100)).toBeLessThan(1e-8);
    expect(trials.slice(1, 7)).toEqual([1, 2, 4, 8, 16, 12]);
  });

  it('refuses a start where the objective is not finite', () => {
    expect(() => minimizeLbfgs(() => NaN, new Float64Array(2), { maxIterations: 5 })).toThrow(/not finite at the start/);
  });
});
