import { createRng } from '@ldinv/tensor';
import { describe, expect, it } from 'vitest';
import { brierScore, ensembleModes, exceedanceProbability, MODE_SILHOUETTE, meanSilhouette, reliabilityDiagram } from './robustness.ts';

/** n fields of 20 cells around `centre` (a constant), spread ±spread by a fixed pattern. */
function family(n: number, centre: number, spread: number, offset = 0): Float64Array[] {
  return Array.from({ length: n }, (_, k) => Float64Array.from({ length: 20 }, (_, c) => centre + spread * Math.sin(1.3 * (k + offset) + 0.7 * c)));
}

describe('robustness analysis', () => {
  it('finds two families of members with their weights, medoids and fits', () => {
    const low = family(11, 0, 0.2);
    const high = family(5, 2, 0.2, 20);
    const fields = [...high.slice(0, 2), ...low, ...high.slice(2)];
    const indices = fields.map((_, i) => 100 + i);
    const misfits = fields.map((f) => (f[0] > 1 ? 3 : 1));
    const a = ensembleModes(indices, fields, fields, misfits);
    expect(a.modes).toHaveLength(2);
    expect(a.silhouette).toBeGreaterThan(MODE_SILHOUETTE);
    const [first, second] = a.modes;
    expect(first.members).toEqual(indices.slice(2, 13));
    expect(first.weight).toBeCloseTo(11 / 16, 12);
    expect(second.members).toEqual([100, 101, 113, 114, 115]);
    expect(second.meanMisfit).toBe(3);
    expect(first.meanLogK[0]).toBeCloseTo(low.reduce((s, f) => s + f[0], 0) / 11, 12);
    expect(first.members).toContain(first.medoid);
  });

  it('keeps one mode when the members form no clusters (a cloud of independent cells)', () => {
    const rng = createRng(1);
    const uniform = () => rng.uniform() - 0.5;
    const fields = Array.from({ length: 16 }, () => Float64Array.from({ length: 10 }, uniform));
    const a = ensembleModes(fields.map((_, i) => i), fields, fields, fields.map(() => 1));
    expect(a.modes).toHaveLength(1);
    expect(a.silhouette).toBeNull();
    expect(a.modes[0].weight).toBe(1);
  });

  it('computes the silhouette of a labelling as defined (two points per cluster on a line)', () => {
    // Points 0, 1 | 10, 12: a(0) = 1, b(0) = 11 -> 10/11; a(1) = 1, b(1) = 10 -> 9/10; a(10) = 2, b(10) = 9.5 -> 7.5/9.5; a(12) = 2, b(12) = 11.5 -> 9.5/11.5.
    const x = [0, 1, 10, 12];
    const d = x.map((a) => Float64Array.from(x, (b) => Math.abs(a - b)));
    expect(meanSilhouette(d, [0, 0, 1, 1])).toBeCloseTo((10 / 11 + 9 / 10 + 7.5 / 9.5 + 9.5 / 11.5) / 4, 12);
  });

  it('maps P(ln K > threshold) and scores it by Brier against the truth and a constant forecast', () => {
    const members = [Float64Array.of(0, 2, 2, 0), Float64Array.of(2, 2, 0, 0)];
    const p = exceedanceProbability(members, 1);
    expect(Array.from(p)).toEqual([0.5, 1, 0.5, 0]);
    const truth = Float64Array.of(0, 2, 2, 0);
    // BS = (0.25 + 0 + 0.25 + 0) / 4; reference 0.5 everywhere: 0.25; skill = 1 − 0.125 / 0.25.
    expect(brierScore(p, truth, 1, 0.5)).toEqual({ brier: 0.125, skill: 0.5 });
  });

  it('bins cells by predicted probability: observed frequency, mean prediction and share per bin, judged where ≥ 5 %', () => {
    // 40 cells: 20 predicted 1/16 (2 of them truly high), 18 predicted 0.9 (15 high), 2 predicted 0.5 (both high).
    const p = [...new Array<number>(20).fill(1 / 16), ...new Array<number>(18).fill(0.9), 0.5, 0.5];
    const truth = [...p.slice(0, 20).map((_, c) => (c < 2 ? 2 : 0)), ...p.slice(20, 38).map((_, c) => (c < 15 ? 2 : 0)), 2, 2];
    const r = reliabilityDiagram(p, truth, 1);
    expect(r.bins).toHaveLength(10);
    expect(r.bins[0]).toEqual({ lo: 0, hi: 0.1, cells: 20, share: 0.5, predicted: 1 / 16, observed: 0.1 });
    expect(r.bins[9].cells).toBe(18);
    expect(r.bins[9].observed).toBeCloseTo(15 / 18, 12);
    expect(r.bins[5]).toMatchObject({ cells: 2, share: 0.05, predicted: 0.5, observed: 1 });
    expect(r.bins[3]).toMatchObject({ cells: 0, share: 0, predicted: null, observed: null });
    // Bin 5 holds exactly 5 %: judged, and its gap 0.5 is the largest.
    expect(r.judged).toEqual([0, 5, 9]);
    expect(r.maxGap).toBeCloseTo(0.5, 12);
    expect(r.reliable).toBe(false);
    // Without bin 5 the gaps are 0.0375 and |15/18 − 0.9| = 0.0667: within ±0.1.
    const calibrated = reliabilityDiagram(p.slice(0, 38), truth.slice(0, 38), 1);
    expect(calibrated.judged).toEqual([0, 9]);
    expect(calibrated.maxGap).toBeCloseTo(0.9 - 15 / 18, 12);
    expect(calibrated.reliable).toBe(true);
    // A probability of exactly 1 falls in the last bin.
    expect(reliabilityDiagram([1, 1], [2, 0], 1).bins[9]).toMatchObject({ cells: 2, predicted: 1, observed: 0.5 });
  });
});
