import { createRng } from '@ldinv/tensor';
import { describe, expect, it } from 'vitest';
import { chainDiagnostics } from './diagnostics.ts';

/** chains of an AR(1) process x_k = φ x_{k−1} + √(1−φ²) e_k started in its stationary law N(0, 1), plus offsets. */
function ar1Chains(seed: number, chains: number, draws: number, phi: number, offsets: number[] = []): Float64Array[] {
  const rng = createRng(seed);
  return Array.from({ length: chains }, (_, c) => {
    const x = new Float64Array(draws);
    let v = rng.normal();
    for (let k = 0; k < draws; k++) {
      v = phi * v + Math.sqrt(1 - phi * phi) * rng.normal();
      x[k] = v + (offsets[c] ?? 0);
    }
    return x;
  });
}

describe('rank-normalised split-R̂ and bulk ESS', () => {
  it('equal a numpy port of ArviZ\'s rhat (rank), ess (bulk) and ess (tail) on a fixed odd-length set', () => {
    // 4 chains of 31 draws, a deterministic formula, so the reference needs no shared generator:
    // x = sin(1.7k + 0.9c) + 0.5 sin(0.37k² + c) + (0.4 for chain 3). Reference values from ArviZ's
    // algorithm (_rhat_rank, _ess on split rank-normalised draws, _ess_tail) ported to numpy/scipy.
    const chains = Array.from({ length: 4 }, (_, c) =>
      Float64Array.from({ length: 31 }, (_, k) => Math.sin(1.7 * k + 0.9 * c) + 0.5 * Math.sin(0.37 * k * k + c) + (c === 3 ? 0.4 : 0)));
    const d = chainDiagnostics(chains);
    expect(d.rHat).toBeCloseTo(0.9995327215072618, 10);
    expect(d.essBulk).toBeCloseTo(144.8689354908033, 8);
    expect(d.essTail).toBeCloseTo(135.30227103102675, 8);
  });

  it('are NaN when a draw is not finite', () => {
    const d = chainDiagnostics([[1, 2, 3, 4], [1, Number.NaN, 3, 4]]);
    expect([d.rHat, d.essBulk, d.essTail].every(Number.isNaN)).toBe(true);
  });

  it('independent draws: R̂ ≈ 1 and ESS ≈ the number of draws', () => {
    const d = chainDiagnostics(ar1Chains(1, 4, 1000, 0));
    expect(Math.abs(d.rHat - 1)).toBeLessThan(0.005); // measured 0.9998
    expect(d.essBulk / 4000).toBeGreaterThan(0.85); // measured 1.01
    expect(d.essBulk / 4000).toBeLessThan(1.15);
  });

  it('AR(1) with φ = 0.8: ESS ≈ N (1 − φ)/(1 + φ), the process\'s integrated autocorrelation', () => {
    const d = chainDiagnostics(ar1Chains(2, 4, 4000, 0.8));
    const expected = (16000 * 0.2) / 1.8;
    expect(d.essBulk / expected).toBeGreaterThan(0.85); // measured 1.07
    expect(d.essBulk / expected).toBeLessThan(1.15);
    expect(d.rHat).toBeLessThan(1.01);
  });

  it('a chain stuck elsewhere, or a drifting chain, gives R̂ well above the 1.01 warning level', () => {
    expect(chainDiagnostics(ar1Chains(3, 4, 500, 0.5, [0, 0, 0, 2])).rHat).toBeGreaterThan(1.2); // measured 1.31
    // Each chain drifts: the split halves disagree although all chains are alike.
    const drifting = ar1Chains(4, 4, 500, 0.5).map((c) => c.map((v, k) => v + (4 * k) / 500));
    expect(chainDiagnostics(drifting).rHat).toBeGreaterThan(1.2); // measured 1.39
  });

  it('a scale difference only (same centre) shows in the folded R̂', () => {
    const chains = ar1Chains(5, 4, 1000, 0).map((c, i) => (i === 0 ? c.map((v) => 4 * v) : c));
    expect(chainDiagnostics(chains).rHat).toBeGreaterThan(1.1); // measured 1.21
  });

  it('is invariant under a monotone transform of the draws (ranks)', () => {
    const chains = ar1Chains(6, 3, 300, 0.6);
    const a = chainDiagnostics(chains);
    const b = chainDiagnostics(chains.map((c) => c.map((v) => Math.exp(3 * v))));
    expect(b.essBulk).toBeCloseTo(a.essBulk, 9);
    expect(b.rHat).toBeCloseTo(a.rHat, 9);
    expect(b.essTail).toBeCloseTo(a.essTail, 9);
  });
});
