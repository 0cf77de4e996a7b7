import { describe, expect, it } from 'vitest';
import { fourierField } from './fourier-field.ts';
import { ObservationOperator } from './observation.ts';

const grid = { nx: 12, ny: 7 };

describe('ObservationOperator', () => {
  it('interpolates bilinear fields exactly, including at cell centres and on the hull', () => {
    const f = (x: number, y: number) => 2 + 3 * x - 1.5 * y + 4 * x * y;
    const field = new Float64Array(84).map((_, c) => f(((c % 12) + 0.5) / 12, (Math.floor(c / 12) + 0.5) / 7));
    const points = [
      { x: 0.5 / 12, y: 0.5 / 7 }, { x: 1 - 0.5 / 12, y: 1 - 0.5 / 7 }, { x: 0.37, y: 0.52 }, { x: 5.5 / 12, y: 0.3 },
    ];
    const values = new ObservationOperator(grid, points).apply(field);
    points.forEach((p, k) => expect(values[k]).toBeCloseTo(f(p.x, p.y), 13));
  });

  it('has applyTranspose as its exact transpose (dot-product test)', () => {
    const points = Array.from({ length: 9 }, (_, k) => ({ x: 0.05 + 0.1 * k, y: 0.1 + 0.09 * k }));
    const op = new ObservationOperator(grid, points);
    const u = fourierField(grid, { seed: 1 });
    const v = Float64Array.from(points, (_, k) => Math.sin(k + 1));
    const lhs = op.apply(u).reduce((a, x, k) => a + x * v[k], 0);
    const rhs = op.applyTranspose(v).reduce((a, x, c) => a + x * u[c], 0);
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-13 * Math.abs(lhs));
  });

  it('rejects a point outside the hull of cell centres with a one-line error', () => {
    expect(() => new ObservationOperator(grid, [{ x: 0.5, y: 0.5 }, { x: 0.01, y: 0.5 }], 'obs.csv')).toThrow(
      'obs.csv point 1 (0.01, 0.5): x = 0.01 is outside the hull of cell centres [0.041666666666666664, 0.9583333333333334]',
    );
    expect(() => new ObservationOperator(grid, [{ x: 0.5, y: NaN }])).toThrow('points point 0 (0.5, NaN): y = NaN is outside');
  });
});
