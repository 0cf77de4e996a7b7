// Convergence diagnostics of Markov chains as Stan and ArviZ compute them (Vehtari, Gelman, Simpson,
// Carpenter & Bürkner 2021, "Rank-normalization, folding, and localization: an improved R̂"):
// rank-normalised split-R̂ (the larger of the bulk and the folded, tail-sensitive, value) and bulk ESS
// with Geyer's initial monotone sequence. Rank normalisation makes both work for heavy tails and
// bounded quantities such as a bimaterial ln K.
import { normalQuantile } from '@ldinv/fields';

/** Draws of one scalar: chains[c][n], every chain of the same length (≥ 4). */
export type ChainDraws = readonly ArrayLike<number>[];

export interface ChainDiagnostics {
  /** Rank-normalised split-R̂ (max of bulk and folded); 1 for mixed chains, > 1.01 is Stan's warning level. */
  rHat: number;
  /** Bulk effective sample size of all chains together. */
  essBulk: number;
  /** Tail effective sample size: of the 5 % and 95 % quantiles, the smaller (what intervals rest on). */
  essTail: number;
}

/** Each chain cut into its two halves (the middle draw of an odd length dropped). */
function splitChains(chains: ChainDraws): Float64Array[] {
  const n = Math.min(...chains.map((c) => c.length));
  if (chains.length === 0 || n < 4) throw new Error(`diagnostics need chains of at least 4 draws, got ${chains.length === 0 ? 'no chains' : `${n} draws`}`);
  const half = Math.floor(n / 2);
  return chains.flatMap((c) => [Float64Array.from({ length: half }, (_, i) => c[i]), Float64Array.from({ length: half }, (_, i) => c[n - half + i])]);
}

/** Normal scores of the pooled ranks (Blom's offset 3/8; ties get their average rank), same shape. */
function rankNormalise(chains: Float64Array[]): Float64Array[] {
  const values = chains.flatMap((c) => Array.from(c));
  const S = values.length;
  const order = values.map((_, i) => i).sort((i, j) => values[i] - values[j]);
  const rank = new Float64Array(S);
  for (let start = 0; start < S; ) {
    let end = start + 1;
    while (end < S && values[order[end]] === values[order[start]]) end++;
    const average = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) rank[order[k]] = average;
    start = end;
  }
  let offset = 0;
  return chains.map((c) => {
    const z = Float64Array.from(c, (_, i) => normalQuantile((rank[offset + i] - 0.375) / (S + 0.25)));
    offset += c.length;
    return z;
  });
}

function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

/** Within-chain variance W, between-chain variance B/n and var⁺ = (n−1)/n W + B/n. */
function variances(chains: Float64Array[]): { W: number; varPlus: number; means: number[] } {
  const n = chains[0].length;
  const means = chains.map(mean);
  const grand = mean(means);
  let W = 0;
  for (const [c, x] of chains.entries()) {
    let s = 0;
    for (let i = 0; i < n; i++) s += (x[i] - means[c]) ** 2;
    W += s / (n - 1);
  }
  W /= chains.length;
  const between = chains.length > 1 ? means.reduce((s, m) => s + (m - grand) ** 2, 0) / (chains.length - 1) : 0;
  return { W, varPlus: ((n - 1) / n) * W + between, means };
}

function rHatOf(chains: Float64Array[]): number {
  const { W, varPlus } = variances(chains);
  // Constant draws: nothing to mix (e.g. a cell that every member fixes); report it as mixed.
  return W > 0 ? Math.sqrt(varPlus / W) : 1;
}

/**
 * ESS of chains (already split) by Geyer's initial positive and monotone sequences, step for step as
 * ArviZ's _ess: ρ̂_0 = 1, ρ̂_t = 1 − (W − mean over chains of the lag-t autocovariance)/var⁺ (biased
 * autocovariances, ÷ n), pairs summed while positive, a positive last even term kept.
 */
function essOf(chains: Float64Array[]): number {
  const m = chains.length;
  const n = chains[0].length;
  const { W, varPlus, means } = variances(chains);
  if (!(varPlus > 0)) return m * n;
  const rho = (t: number): number => {
    let acov = 0;
    for (const [c, x] of chains.entries()) {
      let s = 0;
      for (let i = 0; i + t < n; i++) s += (x[i] - means[c]) * (x[i + t] - means[c]);
      acov += s / n;
    }
    return 1 - (W - acov / m) / varPlus;
  };
  const rhoHat = new Float64Array(n);
  let even = 1;
  let odd = rho(1);
  rhoHat[0] = even;
  rhoHat[1] = odd;
  let t = 1;
  while (t < n - 3 && even + odd > 0) {
    even = rho(t + 1);
    odd = rho(t + 2);
    if (even + odd >= 0) {
      rhoHat[t + 1] = even;
      rhoHat[t + 2] = odd;
    }
    t += 2;
  }
  const maxT = t - 2;
  if (even > 0) rhoHat[maxT + 1] = even;
  for (let k = 1; k <= maxT - 2; k += 2) {
    if (rhoHat[k + 1] + rhoHat[k + 2] > rhoHat[k - 1] + rhoHat[k]) {
      rhoHat[k + 1] = (rhoHat[k - 1] + rhoHat[k]) / 2;
      rhoHat[k + 2] = rhoHat[k + 1];
    }
  }
  let tau = -1;
  for (let k = 0; k <= maxT; k++) tau += 2 * rhoHat[k];
  tau += rhoHat[maxT + 1];
  // Stan bounds τ below by 1/log10(mn): antithetic chains cannot claim an unbounded ESS.
  return (m * n) / Math.max(tau, 1 / Math.log10(m * n));
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const k = sorted.length;
  return k % 2 ? sorted[(k - 1) / 2] : 0.5 * (sorted[k / 2 - 1] + sorted[k / 2]);
}

/** R̂, bulk ESS and tail ESS of one scalar's draws; all NaN when a draw is not finite (as ArviZ). */
export function chainDiagnostics(chains: ChainDraws): ChainDiagnostics {
  const split = splitChains(chains);
  if (split.some((c) => c.some((v) => !Number.isFinite(v)))) return { rHat: Number.NaN, essBulk: Number.NaN, essTail: Number.NaN };
  const bulk = rankNormalise(split);
  // Folded about the median of all draws (ArviZ, posterior), not only of the split ones.
  const all = chains.flatMap((c) => Array.from({ length: c.length }, (_, i) => c[i]));
  const median = medianOf(all);
  const folded = rankNormalise(split.map((c) => c.map((v) => Math.abs(v - median))));
  // Tail ESS: the smaller ESS of the indicators of the 5 % and 95 % quantiles (Vehtari et al. 2021, §4.3).
  const sorted = Float64Array.from(all).sort();
  const quantile = (p: number) => {
    const h = (sorted.length - 1) * p;
    const lo = Math.floor(h);
    return sorted[lo] + (h - lo) * (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]);
  };
  const below = (q: number) => split.map((c) => c.map((v) => (v <= q ? 1 : 0)));
  const essTail = Math.min(essOf(below(quantile(0.05))), essOf(below(quantile(0.95))));
  return { rHat: Math.max(rHatOf(bulk), rHatOf(folded)), essBulk: essOf(bulk), essTail };
}
