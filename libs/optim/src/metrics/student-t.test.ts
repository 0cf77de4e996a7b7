import { describe, expect, it } from 'vitest';
import { studentTCdf, studentTQuantile } from './student-t.ts';

describe('studentTQuantile', () => {
  it('matches tabulated t quantiles (scipy.stats.t.ppf) to 1e-9', () => {
    const table: [number, number, number][] = [
      [0.95, 1, 6.313751514675037],
      [0.95, 7, 1.8945786050900062],
      [0.95, 30, 1.697260886593957],
      [0.975, 3, 3.1824463052837078],
      [0.05, 7, -1.8945786050900062],
      [0.95, 1e7, 1.6448537],
    ];
    for (const [p, dof, expected] of table) {
      expect(studentTQuantile(p, dof)).toBeCloseTo(expected, dof > 1e6 ? 6 : 9);
    }
  });

  it('is the inverse of the CDF, and the Cauchy case has the closed form tan(π(p − ½))', () => {
    for (const p of [0.6, 0.9, 0.99]) {
      expect(studentTCdf(studentTQuantile(p, 4.5), 4.5)).toBeCloseTo(p, 12);
      expect(studentTQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 9);
    }
  });

  it('rejects probabilities outside (0, 1)', () => {
    expect(() => studentTQuantile(1, 3)).toThrow('studentTQuantile: p must be in (0, 1), got 1');
  });
});
