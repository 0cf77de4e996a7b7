import { describe, expect, it } from 'vitest';
import { calibratedEnsemble } from './calibrated-ensemble.fixture.ts';
import { ensembleInterval, intervalCoverage } from './coverage.ts';
import { studentTQuantile } from './student-t.ts';

describe('ensemble 90 % interval coverage', () => {
  // 20000 cells: the standard error of a 0.90 coverage is √(0.9·0.1/20000) = 0.0021; tolerance ±0.01.
  const { truth, members } = calibratedEnsemble(20000, 8, 2024);

  it('the t interval covers a calibrated 8-member ensemble (truth inside 90 % of cells) 90 % of the time (default)', () => {
    const covered = intervalCoverage(members, truth);
    expect(Math.abs(covered - 0.9)).toBeLessThan(0.01);
    expect(intervalCoverage(members, truth, { kind: 't', level: 0.9 })).toBe(covered);
  });

  it('the empirical 5–95 % quantile interval under-covers at n = 8 (≈ 0.72 by 4e5-cell simulation)', () => {
    expect(Math.abs(intervalCoverage(members, truth, { kind: 'empirical' }) - 0.722)).toBeLessThan(0.015);
  });

  it('computes the closed forms on one cell', () => {
    const m = [1, 2, 3, 4, 5].map((v) => new Float64Array([v]));
    const t = ensembleInterval(m, { level: 0.9 });
    const half = studentTQuantile(0.95, 4) * Math.sqrt(2.5) * Math.sqrt(1.2); // s² = 2.5
    expect(t.lower[0]).toBeCloseTo(3 - half, 12);
    expect(t.upper[0]).toBeCloseTo(3 + half, 12);
    // Type-7 quantiles of 1..5 at 0.05 and 0.95: positions 0.2 and 3.8 -> 1.2 and 4.8.
    const e = ensembleInterval(m, { kind: 'empirical' });
    expect(e.lower[0]).toBeCloseTo(1.2, 14);
    expect(e.upper[0]).toBeCloseTo(4.8, 14);
  });

  it('rejects a single member', () => {
    expect(() => intervalCoverage([new Float64Array(2)], new Float64Array(2))).toThrow(
      'intervalCoverage: need at least 2 members, got 1',
    );
  });
});
