import { describe, expect, it } from 'vitest';
import { decadeDomain, formatTick, linearScale, logScale, niceDomain, niceTicks, superscript } from './scale.ts';

describe('ticks', () => {
  it('take round steps inside the range', () => {
    expect(niceTicks(0, 200)).toEqual([0, 50, 100, 150, 200]);
    expect(niceTicks(0.1, 0.95)).toEqual([0.2, 0.4, 0.6, 0.8]);
    // The step nearest to span / count: 2.6 / 5 = 0.52 -> 0.5; 13 / 5 = 2.6 -> 2 (not up to 5).
    expect(niceTicks(-1.3, 1.3)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(niceTicks(0, 13)).toEqual([0, 2, 4, 6, 8, 10, 12]);
    expect(niceTicks(512000, 516800, 3)).toEqual([512000, 514000, 516000]);
    expect(niceTicks(3, 3)).toEqual([3]);
    // Whole numbers only (iterations): no 0.5 between 0 and 1.
    expect(niceTicks(0, 2, 5, 1)).toEqual([0, 1, 2]);
    expect(niceTicks(0, 2)).toEqual([0, 0.5, 1, 1.5, 2]);
  });

  it('widen a linear domain to whole steps and a log domain to whole decades', () => {
    expect(niceDomain(0, 199)).toEqual([0, 200]);
    expect(niceDomain(0.1, 0.95)).toEqual([0, 1]);
    expect(niceDomain(0.125, 1)).toEqual([0, 1]);
    expect(decadeDomain(0.03, 40)).toEqual([0.01, 100]);
    expect(decadeDomain(2, 3)).toEqual([1, 10]);
    expect(decadeDomain(1, 100)).toEqual([1, 100]);
  });
});

describe('scales', () => {
  it('map a linear domain onto pixels, y growing downwards', () => {
    const y = linearScale(0, 1, 300, 100);
    expect([y(0), y(0.25), y(1)]).toEqual([300, 250, 100]);
    expect(y.ticks()).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });

  it('put decades evenly on a log axis, with 2..9 minor ticks and 10ⁿ labels', () => {
    const y = logScale(1e-2, 1e2, 400, 0);
    expect([y(1e-2), y(0.1), y(1), y(10), y(100)].map((v) => Math.round(v * 1e9) / 1e9)).toEqual([400, 300, 200, 100, 0]);
    expect(y(2)).toBeCloseTo(200 - 100 * Math.log10(2), 9);
    expect(y.ticks()).toEqual([0.01, 0.1, 1, 10, 100]);
    expect(y.minorTicks()).toHaveLength(4 * 8);
    expect(y.ticks().map(y.format)).toEqual(['10⁻²', '10⁻¹', '10⁰', '10¹', '10²']);
  });
});

describe('tick labels', () => {
  it('use a real minus sign and ×10ⁿ outside [1e-2, 1e4)', () => {
    expect(superscript(-12)).toBe('⁻¹²');
    expect([formatTick(0.0012), formatTick(-2.345), formatTick(12000), formatTick(0), formatTick(0.001)]).toEqual(['1.2×10⁻³', '−2.35', '1.2×10⁴', '0', '10⁻³']);
    // On a bar spanning 2.6, a tick of 2.4e-5 is zero within the bar's resolution.
    expect([formatTick(2.4e-5, 2.6), formatTick(0.6499, 2.6), formatTick(2.4e-5, 1e-4)]).toEqual(['0', '0.65', '2.4×10⁻⁵']);
  });
});
