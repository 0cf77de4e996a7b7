// Mode mcmc: the members are Markov chains. Their kept samples, pooled, are the ensemble; whether the
// chains mixed is judged as Stan and ArviZ do: rank-normalised split-R̂ and bulk ESS per cell (and of
// χ²/M), each chain's acceptance rate, and a warning when R̂ says the chains have not mixed.
import { chainDiagnostics } from '@ldinv/optim';
import type { DoneMember } from '../run-store/member-record.ts';
import { sortedQuantile } from './cell-stats.ts';

/** R̂ above which a cell counts as not mixed (Vehtari et al. 2021 recommend 1.01; 1.1 is the older, looser rule). */
export const RHAT_STRICT = 1.01;
export const RHAT_LOOSE = 1.1;
/** Bulk and tail ESS a cell needs for its interval (Vehtari et al. 2021: 400, i.e. 100 per chain of 4). */
export const ESS_MIN = 400;
/**
 * The chains count as mixed when at most this share of the cells has R̂ > RHAT_LOOSE or an ESS below
 * ESS_MIN, χ²/M's R̂ ≤ RHAT_LOOSE, and no chain was left out of the statistics.
 */
export const MIXED_MAX_SHARE = 0.05;

/** One draw of the pooled ensemble: a kept sample of a chain. */
export interface ChainDraw {
  /** The chain (member index). */
  member: number;
  logK: Float64Array;
  misfit: number;
}

/** Every kept sample of the chains, chain by chain in sample order. */
export function chainDraws(chains: readonly DoneMember[]): ChainDraw[] {
  return chains.flatMap((m) => {
    const chain = m.chain!;
    const cells = m.logK.length;
    return Array.from(chain.sampleMisfit, (misfit, k) => ({ member: m.index, logK: Float64Array.from(chain.samples.subarray(k * cells, (k + 1) * cells)), misfit }));
  });
}

export interface ChainSummary {
  chains: number;
  /** Kept samples per chain (the shortest chain's count when they differ). */
  samplesPerChain: number;
  burnIn: number;
  thin: number;
  /** Per chain: member index, mean acceptance after burn-in, step size β after burn-in. */
  perChain: { member: number; acceptance: number; stepSize: number }[];
  /** Per-cell R̂ and bulk ESS summarised over the active cells; null with fewer than 2 chains or 4 samples each. */
  logK: {
    rHatMedian: number; rHatMax: number; shareAbove101: number; shareAbove110: number;
    essMedian: number; essMin: number; essTailMedian: number; essTailMin: number;
    /** Share of the cells whose bulk or tail ESS is below ESS_MIN. */
    shareEssBelow: number;
  } | null;
  /** R̂, bulk and tail ESS of the samples' χ²/M. */
  misfit: { rHat: number; essBulk: number; essTail: number } | null;
  /** Chains left out of the statistics (their median χ²/M above --max-misfit), but in the diagnostics. */
  leftOut: number[];
  /** Per cell R̂, all cells (NaN where inactive); for the R̂ map. */
  rHatMap: Float64Array | null;
  /** null when the chains mixed by the rule above, else why not. */
  warning: string | null;
}

/**
 * Diagnostics of every finished chain (`leftOut`: those the statistics leave out). `pick` restricts a
 * field to the active cells (activeCellPicker of `active`).
 */
export function summariseChains(chains: readonly DoneMember[], pick: (field: Float64Array) => Float64Array, active?: ArrayLike<number>, leftOut: number[] = []): ChainSummary {
  const records = chains.map((m) => m.chain!);
  const n = Math.min(...records.map((c) => c.sampleMisfit.length));
  const perChain = chains.map((m) => {
    const c = m.chain!;
    const after = c.acceptance.subarray(c.burnIn);
    return { member: m.index, acceptance: after.length ? after.reduce((s, a) => s + a, 0) / after.length : Number.NaN, stepSize: c.stepSize };
  });
  const base = { chains: chains.length, samplesPerChain: n, burnIn: records[0]?.burnIn ?? 0, thin: records[0]?.thin ?? 1, perChain, leftOut };
  if (chains.length < 2 || n < 4) {
    return { ...base, logK: null, misfit: null, rHatMap: null, warning: `R̂ needs at least 2 chains of at least 4 kept samples; got ${chains.length} of ${n}` };
  }
  const cells = chains[0].logK.length;
  const rHatMap = new Float64Array(cells);
  const ess = new Float64Array(cells);
  const essTail = new Float64Array(cells);
  const draws = records.map(() => new Float64Array(n));
  for (let i = 0; i < cells; i++) {
    records.forEach((c, k) => {
      for (let s = 0; s < n; s++) draws[k][s] = c.samples[s * cells + i];
    });
    const d = chainDiagnostics(draws);
    rHatMap[i] = d.rHat;
    ess[i] = d.essBulk;
    essTail[i] = d.essTail;
  }
  const pickedRHat = pick(rHatMap);
  const pickedEss = pick(ess);
  const pickedTail = pick(essTail);
  if (active) for (let i = 0; i < cells; i++) if (active[i] === 0) rHatMap[i] = Number.NaN;
  const sortedRHat = Float64Array.from(pickedRHat).sort();
  const sortedEss = Float64Array.from(pickedEss).sort();
  const sortedTail = Float64Array.from(pickedTail).sort();
  const share = (limit: number) => pickedRHat.reduce((s, r) => s + (r > limit ? 1 : 0), 0) / pickedRHat.length;
  const logK = {
    rHatMedian: sortedQuantile(sortedRHat, 0.5), rHatMax: sortedRHat[sortedRHat.length - 1],
    shareAbove101: share(RHAT_STRICT), shareAbove110: share(RHAT_LOOSE),
    essMedian: sortedQuantile(sortedEss, 0.5), essMin: sortedEss[0],
    essTailMedian: sortedQuantile(sortedTail, 0.5), essTailMin: sortedTail[0],
    shareEssBelow: pickedEss.reduce((s, e, k) => s + (Math.min(e, pickedTail[k]) < ESS_MIN ? 1 : 0), 0) / pickedEss.length,
  };
  const misfit = chainDiagnostics(records.map((c) => c.sampleMisfit.subarray(0, n)));
  const problems: string[] = [];
  if (logK.shareAbove110 > MIXED_MAX_SHARE) problems.push(`${(100 * logK.shareAbove110).toFixed(0)} % of the cells have R̂ > ${RHAT_LOOSE}`);
  if (logK.shareEssBelow > MIXED_MAX_SHARE) problems.push(`${(100 * logK.shareEssBelow).toFixed(0)} % of the cells have a bulk or tail ESS below ${ESS_MIN}`);
  if (misfit.rHat > RHAT_LOOSE) problems.push(`χ²/M has R̂ ${misfit.rHat.toFixed(2)}`);
  if (leftOut.length > 0) problems.push(`chain${leftOut.length > 1 ? 's' : ''} ${leftOut.map((m) => `#${m}`).join(', ')} left out of the statistics (median χ²/M above --max-misfit)`);
  const warning = problems.length
    ? `the chains have not mixed: ${problems.join('; ')}; their pooled samples are not yet posterior draws (run longer chains: --steps, --burn-in)`
    : null;
  return { ...base, logK, misfit: { rHat: misfit.rHat, essBulk: misfit.essBulk, essTail: misfit.essTail }, rHatMap, warning };
}
