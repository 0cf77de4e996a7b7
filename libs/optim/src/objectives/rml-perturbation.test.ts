import { ObservationOperator } from '@ldinv/solver';
import { describe, expect, it } from 'vitest';
import { perturbData } from './rml-perturbation.ts';

describe('perturbData', () => {
  const grid = { nx: 8, ny: 8 };
  const points = Array.from({ length: 2500 }, (_, i) => ({ x: 0.1 + 0.8 * ((i * 0.618) % 1), y: 0.1 + 0.8 * ((i * 0.382) % 1) }));
  const tests = [0, 1].map((t) => ({
    operator: new ObservationOperator(grid, points),
    data: Float64Array.from(points, (_, i) => Math.sin(i + t)),
    sigma: Float64Array.from(points, (_, i) => 0.01 * (1 + (i % 3))),
  }));

  it('adds σ-scaled standard normal noise: standardised residuals have mean ≈ 0, variance ≈ 1 (M = 5000)', () => {
    const perturbed = perturbData(tests, 42);
    const z = tests.flatMap((o, t) => Array.from(o.data, (d, i) => (perturbed[t][i] - d) / o.sigma[i]));
    const mean = z.reduce((a, v) => a + v, 0) / z.length;
    const variance = z.reduce((a, v) => a + (v - mean) ** 2, 0) / (z.length - 1);
    // Standard errors: 1/√5000 = 0.014 for the mean, √(2/5000) = 0.02 for the variance.
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(variance - 1)).toBeLessThan(0.07);
  });

  it('is a function of the member seed: same seed same draw, other seed independent draw', () => {
    const a = perturbData(tests, 1);
    expect(perturbData(tests, 1)).toEqual(a);
    const b = perturbData(tests, 2);
    const za = Array.from(a[0], (v, i) => (v - tests[0].data[i]) / tests[0].sigma[i]);
    const zb = Array.from(b[0], (v, i) => (v - tests[0].data[i]) / tests[0].sigma[i]);
    const corr = za.reduce((acc, v, i) => acc + v * zb[i], 0) / za.length;
    expect(Math.abs(corr)).toBeLessThan(0.08); // 4 standard errors of 1/√2500
  });
});
