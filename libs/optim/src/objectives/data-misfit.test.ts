import { lossAndGradient, ObservationOperator } from '@ldinv/solver';
import { taylorTest } from '@ldinv/tensor';
import { describe, expect, it } from 'vitest';
import { cellField, syntheticProblem, tomographyProblem } from '../test-cases.fixture.ts';
import { DataMisfit } from './data-misfit.ts';

describe('DataMisfit', () => {
  const grid = { nx: 4, ny: 3 };

  it('is ½ Σ ((h − d)/σ)² / M with sensors on cell centres (P picks cells)', () => {
    // Sensors at the centres of cells (i, j) = (1, 0) and (2, 2): P h = (h[1], h[10]).
    const op = new ObservationOperator(grid, [
      { x: 0.375, y: 1 / 6 },
      { x: 0.625, y: 5 / 6 },
    ]);
    const empty = new ObservationOperator(grid, []);
    const misfit = new DataMisfit(
      [
        { operator: op, data: new Float64Array([1, 2]), sigma: new Float64Array([0.5, 2]) },
        { operator: empty, data: new Float64Array(0), sigma: new Float64Array(0) },
      ],
      12,
    );
    const h = Float64Array.from({ length: 12 }, (_, c) => c);
    const { value, dHeads } = misfit.loss([h, h]);
    // residuals (1 − 1)/0.5 = 0 and (10 − 2)/2 = 4; M = 2.
    expect(value).toBeCloseTo((0.5 * 4 * 4) / 2, 14);
    expect(misfit.chiSquared([h, h])).toBeCloseTo(2 * value, 14);
    // ∂Φ/∂h[10] = (10 − 2)/σ² / M = 8/4/2; every other entry 0; no gradient for the test without sensors.
    expect(dHeads[0][10]).toBeCloseTo(1, 14);
    expect(dHeads[0].reduce((a, v) => a + Math.abs(v), 0)).toBeCloseTo(1, 14);
    expect(dHeads[1].every((v) => v === 0)).toBe(true);
  });

  it('through the solver, J(ln K) = Φ(h(ln K)) has an adjoint gradient that passes the Taylor test', () => {
    const g = { nx: 12, ny: 10 };
    const darcy = tomographyProblem(g);
    const truth = cellField(g, (x, y) => 0.5 * Math.sin(3 * x) + y);
    const points = [0.2, 0.45, 0.7].flatMap((x) => [0.15, 0.5, 0.85].map((y) => ({ x, y })));
    const { problem } = syntheticProblem(darcy, truth, points, 0.01);
    const misfit = new DataMisfit(problem.observations, 120);
    const m = cellField(g, (x, y) => 0.3 * Math.cos(2 * x * y));
    const direction = cellField(g, (x, y) => Math.sin(7 * x) * Math.cos(4 * y));
    const J = (p: Float64Array) => {
      const r = lossAndGradient(darcy, p, misfit.loss);
      return { value: r.value, gradient: r.gradLogK };
    };
    const { rates } = taylorTest(J, m, direction, { eps0: 0.05 });
    expect(Math.min(...rates)).toBeGreaterThan(1.9);
  });

  it('rejects σ ≤ 0 and a data/sensor count mismatch in one line', () => {
    const op = new ObservationOperator(grid, [{ x: 0.5, y: 0.5 }]);
    expect(() => new DataMisfit([{ operator: op, data: new Float64Array([1]), sigma: new Float64Array([0]) }], 12)).toThrow(
      'test 0 datum 0: sigma must be > 0, got 0',
    );
    expect(() => new DataMisfit([{ operator: op, data: new Float64Array(2), sigma: new Float64Array(2) }], 12)).toThrow(
      'test 0: 1 sensors but 2 data and 2 sigma values',
    );
  });
});
