import { describe, expect, it } from 'vitest';
import { doneMember } from '../run-store/member-record.fixture.ts';
import type { DoneMember, FailedMember, MemberRecord } from '../run-store/member-record.ts';
import { cellStats } from './cell-stats.ts';
import { aggregateMembers, type AggregateCase } from './ensemble.ts';

// A 12x12 bimaterial truth (left half ln K = -1, right half +1) and a forward model h = ln K / 10 so
// predictions and heads are known in closed form.
const nx = 12;
const ny = 12;
const truth = Float64Array.from({ length: nx * ny }, (_, c) => (c % nx < nx / 2 ? -1 : 1));
const heads = (logK: Float64Array) => [logK.map((v) => v / 10)];
const observations = [{ x: 0.5 / nx, y: 0.5 / ny, head: -0.1, sigma: 0.01, test: 0 }];
const predict = (logK: Float64Array) => ({ heads: heads(logK), predicted: Float64Array.of(logK[0] / 10) });
const aggCase: AggregateCase = { grid: { nx, ny }, tests: 1, observations, truthLogK: truth, truthHeads: heads(truth), predict };

function member(index: number, logK: Float64Array, misfit: number): DoneMember {
  const base = doneMember(index, nx, ny);
  return { ...base, logK, heads: heads(logK), predicted: Float64Array.of(logK[0] / 10), misfit, history: { ...base.history } };
}

const failed: FailedMember = { version: 1, status: 'failed', index: 4, seed: 9, attempts: 3, error: 'worker died', errors: ['a', 'b', 'worker died'] };

describe('aggregateMembers', () => {
  const shifted = (d: number) => truth.map((v) => v + d);
  const records: MemberRecord[] = [
    member(3, shifted(0.2), 1.1),
    member(0, shifted(-0.2), 0.9),
    member(1, shifted(0), 1.0),
    member(2, shifted(5), 250), // a stuck member: left out by --max-misfit 10
    member(5, shifted(0), Number.NaN), // diverged: left out too
    failed,
  ];
  const r = aggregateMembers(records, aggCase, { maxMisfit: 10 });

  it('lists every member in index order with its status; excluded and failed are recorded, not dropped', () => {
    expect(r.rows.map((x) => [x.index, x.status])).toEqual([
      [0, 'included'], [1, 'included'], [2, 'excluded'], [3, 'included'], [4, 'failed'], [5, 'excluded'],
    ]);
    expect(r.included).toEqual([0, 1, 3]);
    expect(r.excluded.map((e) => e.index)).toEqual([2, 5]);
    expect(r.failed).toEqual([{ index: 4, error: 'worker died' }]);
  });

  it('computes statistics over the included members only', () => {
    const expected = cellStats([shifted(-0.2), shifted(0), shifted(0.2)]);
    expect(r.logK!.mean).toEqual(expected.mean);
    expect(r.logK!.std[0]).toBeCloseTo(0.2, 12);
    expect(r.heads![0].mean[0]).toBeCloseTo(-0.1, 12);
  });

  it('scores each member and the mean against the truth', () => {
    const exact = r.rows.find((x) => x.index === 1)!.metrics!;
    // χ²/M is recomputed from the member's predictions against the case data: here an exact fit.
    expect(exact).toEqual({ relL2LogK: 0, relL2K: 0, relL2Heads: 0, ssimLogK: 1, misclassified: 0, chi2: 0 });
    // Member 3 is the truth + 0.2 everywhere: ‖0.2‖/‖1‖ = 0.2; no cell changes side of 0.
    const off = r.rows.find((x) => x.index === 3)!.metrics!;
    expect(off.relL2LogK).toBeCloseTo(0.2, 12);
    expect(off.misclassified).toBe(0);
    // The mean equals the truth; its χ²/M comes from its own predictions: (−0.1 − (−0.1))/σ = 0.
    expect(r.metrics!.mean.relL2LogK).toBeCloseTo(0, 12);
    expect(r.metrics!.mean.chi2).toBeCloseTo(0, 20);
    // The truth is the middle member in every cell: inside the 5-95 % range everywhere.
    expect(r.metrics!.coverage90LogK!.empirical).toBe(1);
    // Spread 0.2 (sample std), skill (RMSE of the mean) ~ 0.
    expect(r.metrics!.spreadSkillLogK!.spread).toBeCloseTo(0.2, 12);
  });

  it('leaves the statistics empty when no member qualifies, and checks grids', () => {
    const none = aggregateMembers([member(0, shifted(0), 50), failed], aggCase, { maxMisfit: 10 });
    expect(none.logK).toBeNull();
    expect(none.metrics).toBeNull();
    expect(none.rows.map((x) => x.status)).toEqual(['excluded', 'failed']);
    expect(() => aggregateMembers([doneMember(0, 3, 2)], aggCase, { maxMisfit: 10 })).toThrow('member 0: logK has 6 values, the case grid needs 144');
  });

  it('reports the spread of the members\' mean ln K only where the heads leave that level free', () => {
    // Included members are the truth shifted by −0.2, 0 and +0.2: level standard deviation 0.2.
    expect(r.logKLevelSpread).toBeNull();
    const free = aggregateMembers(records, { ...aggCase, logKLevelFree: true }, { maxMisfit: 10 });
    expect(free.logKLevelSpread).toBeCloseTo(0.2, 12);
    const single = aggregateMembers([member(0, shifted(0), 1)], { ...aggCase, logKLevelFree: true }, { maxMisfit: 10 });
    expect(single.logKLevelSpread).toBeNull();
  });

  it('needs no truth for the statistics', () => {
    const { truthLogK: _t, truthHeads: _h, ...noTruth } = aggCase;
    const plain = aggregateMembers(records, noTruth, { maxMisfit: 10 });
    expect(plain.metrics).toBeNull();
    expect(plain.rows[0].metrics).toBeNull();
    expect(plain.logK!.mean).toEqual(r.logK!.mean);
  });
});

describe('aggregateMembers in mode mcmc (members are chains)', () => {
  // Chain c keeps 20 samples truth + 0.1·sin(k + c) per cell, χ²/M 1 + 0.01k; chain 3 sits in a poor
  // mode (truth + 3, median χ²/M 30) and its last draw happens to fit (χ²/M 0.5).
  const cells = nx * ny;
  const chainMember = (index: number, offset: number, misfits: number[], lastMisfit: number): DoneMember => {
    const samples = new Float32Array(20 * cells);
    for (let k = 0; k < 20; k++) for (let i = 0; i < cells; i++) samples[k * cells + i] = truth[i] + offset + 0.1 * Math.sin(k + index + 0.3 * i);
    const last = Float64Array.from(samples.subarray(19 * cells));
    return {
      ...member(index, last, lastMisfit),
      chain: { from: 0, burnIn: 5, thin: 1, samples, sampleMisfit: Float64Array.from(misfits), acceptance: new Float32Array(25).fill(0.5), stepSize: 1e-3 },
    };
  };
  const fit = Array.from({ length: 20 }, (_, k) => 1 + 0.01 * k);
  const records = [0, 1, 2].map((c) => chainMember(c, 0, fit, fit[19]));
  records.push(chainMember(3, 3, fit.map((v) => 30 * v), 0.5));
  const r = aggregateMembers(records, aggCase, { maxMisfit: 10 });

  it('judges a chain by its median sample χ²/M, not its last draw', () => {
    expect(r.included).toEqual([0, 1, 2]);
    expect(r.excluded.map((e) => e.index)).toEqual([3]);
    expect(r.excluded[0].misfit).toBeCloseTo(30 * 1.095, 10);
  });

  it('pools the included chains\' samples for the statistics', () => {
    for (const i of [0, 17, 143]) {
      let sum = 0;
      for (const m of records.slice(0, 3)) for (let k = 0; k < 20; k++) sum += m.chain!.samples[k * cells + i];
      expect(r.logK!.mean[i]).toBeCloseTo(sum / 60, 12);
    }
  });

  it('computes the diagnostics over every finished chain, so the stuck one shows, and says why it warns', () => {
    expect(r.chains!.chains).toBe(4);
    expect(r.chains!.leftOut).toEqual([3]);
    expect(r.chains!.logK!.shareAbove110).toBe(1); // chain 3 is 3 ln K units away everywhere
    expect(r.chains!.warning).toContain('chain #3 left out of the statistics');
    expect(r.chains!.warning).toContain('100 % of the cells have R̂ > 1.1');
  });
});
