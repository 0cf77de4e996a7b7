// What a multi-start robustness study asks of an ensemble: which modes the members fall into, how
// much weight each has and how well it fits, where ln K is probably above a threshold (the high-K
// material of a bimaterial prior), and with a truth the spread of the members' errors, the Brier
// score of that probability map and its reliability diagram.
import { cellStats } from './cell-stats.ts';

/** Mean silhouette a clustering must reach to count (Kaufman & Rousseeuw: ≤ 0.25 is "no substantial structure"). */
export const MODE_SILHOUETTE = 0.25;
/** The most modes looked for. */
export const MAX_MODES = 4;
/** Members per mode at least on average: fewer members cannot show a mode apart from chance. */
export const MEMBERS_PER_MODE = 3;
export const MODE_RULE =
  `k-medoids of the members' ln K (L2 distance over active cells), k = 2..min(${MAX_MODES}, members/${MEMBERS_PER_MODE}) ` +
  `by the largest mean silhouette; one mode unless it reaches ${MODE_SILHOUETTE}`;

/** One mode of the members' ln K (a k-medoids cluster); not @ldinv/optim's EnsembleMode (multistart, rml). */
export interface LogKMode {
  /** Member indices of the mode. */
  members: number[];
  /** Share of the members. */
  weight: number;
  /** The member closest to all others of the mode. */
  medoid: number;
  /** Mean ln K of the mode's members, all cells. */
  meanLogK: Float64Array;
  /** Mean χ²/M of the mode's members. */
  meanMisfit: number;
}

export interface ModeAnalysis {
  modes: LogKMode[];
  /** Mean silhouette of the chosen clustering (null with one mode or fewer than 3 members). */
  silhouette: number | null;
  rule: string;
}

/** Pairwise L2 distances of the fields. */
function distances(fields: readonly Float64Array[]): Float64Array[] {
  const n = fields.length;
  const d = Array.from({ length: n }, () => new Float64Array(n));
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      let s = 0;
      const [fa, fb] = [fields[a], fields[b]];
      for (let c = 0; c < fa.length; c++) s += (fa[c] - fb[c]) ** 2;
      d[a][b] = d[b][a] = Math.sqrt(s);
    }
  }
  return d;
}

/** k-medoids by alternation (assign to the nearest medoid, move each medoid to its cluster's most
 *  central member), started farthest-first from the most central member: deterministic. */
function kMedoids(d: Float64Array[], k: number): number[] {
  const n = d.length;
  const total = (m: number, members: number[]) => members.reduce((s, x) => s + d[m][x], 0);
  const everyone = Array.from({ length: n }, (_, i) => i);
  let medoids = [everyone.reduce((best, m) => (total(m, everyone) < total(best, everyone) ? m : best), 0)];
  while (medoids.length < k) {
    const far = everyone.reduce((best, m) => (Math.min(...medoids.map((q) => d[m][q])) > Math.min(...medoids.map((q) => d[best][q])) ? m : best), 0);
    medoids.push(far);
  }
  let label = new Array<number>(n).fill(0);
  for (let iteration = 0; iteration < 100; iteration++) {
    label = everyone.map((i) => medoids.reduce((best, m, c) => (d[i][m] < d[i][medoids[best]] ? c : best), 0));
    const next = medoids.map((m, c) => {
      const members = everyone.filter((i) => label[i] === c);
      return members.length === 0 ? m : members.reduce((best, x) => (total(x, members) < total(best, members) ? x : best), members[0]);
    });
    if (next.every((m, c) => m === medoids[c])) break;
    medoids = next;
  }
  return label;
}

/** Mean silhouette of a labelling: (b − a) / max(a, b) per member, a its mean distance within its
 *  cluster, b to the nearest other cluster; 0 for a member alone in its cluster. */
export function meanSilhouette(d: Float64Array[], label: number[]): number {
  const n = d.length;
  const k = Math.max(...label) + 1;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const mean = Array.from({ length: k }, (_, c) => {
      const others = label.map((l, j) => (l === c && j !== i ? j : -1)).filter((j) => j >= 0);
      return others.length === 0 ? null : others.reduce((s, j) => s + d[i][j], 0) / others.length;
    });
    const a = mean[label[i]];
    if (a === null) continue;
    const b = Math.min(...mean.filter((m, c) => c !== label[i] && m !== null).map((m) => m!));
    sum += Number.isFinite(b) && Math.max(a, b) > 0 ? (b - a) / Math.max(a, b) : 0;
  }
  return sum / n;
}

/**
 * The modes of the members' ln K fields (`fields` restricted to active cells for the distances,
 * `logK` whole for the mean maps), indices and misfits aligned with them.
 */
export function ensembleModes(indices: readonly number[], fields: readonly Float64Array[], logK: readonly Float64Array[], misfits: readonly number[]): ModeAnalysis {
  const n = fields.length;
  const d = distances(fields);
  let best = { label: new Array<number>(n).fill(0), silhouette: null as number | null };
  for (let k = 2; k <= Math.min(MAX_MODES, Math.floor(n / MEMBERS_PER_MODE)); k++) {
    const label = kMedoids(d, k);
    const s = meanSilhouette(d, label);
    if (s >= MODE_SILHOUETTE && (best.silhouette === null || s > best.silhouette)) best = { label, silhouette: s };
  }
  const k = Math.max(...best.label) + 1;
  const modes = Array.from({ length: k }, (_, c) => {
    const members = best.label.map((l, i) => (l === c ? i : -1)).filter((i) => i >= 0);
    const medoid = members.reduce((m, x) => (members.reduce((s, y) => s + d[x][y], 0) < members.reduce((s, y) => s + d[m][y], 0) ? x : m), members[0]);
    return {
      members: members.map((i) => indices[i]),
      weight: members.length / n,
      medoid: indices[medoid],
      meanLogK: cellStats(members.map((i) => logK[i])).mean,
      meanMisfit: members.reduce((s, i) => s + misfits[i], 0) / members.length,
    };
  });
  // Heaviest mode first.
  modes.sort((a, b) => b.weight - a.weight || a.medoid - b.medoid);
  return { modes, silhouette: k > 1 ? best.silhouette : null, rule: MODE_RULE };
}

/** Per cell, the share of the members whose ln K exceeds the threshold. */
export function exceedanceProbability(logK: readonly ArrayLike<number>[], threshold: number): Float64Array {
  const p = new Float64Array(logK[0].length);
  for (const field of logK) for (let c = 0; c < p.length; c++) if (field[c] > threshold) p[c] += 1;
  return p.map((v) => v / logK.length);
}

/** Brier score of probabilities against the truth's exceedance, and its skill against a constant
 *  forecast (the prior's volume fraction of the high material): 1 − BS / BS_ref. */
export function brierScore(p: ArrayLike<number>, truth: ArrayLike<number>, threshold: number, reference: number): { brier: number; skill: number } {
  let bs = 0;
  let ref = 0;
  for (let c = 0; c < p.length; c++) {
    const o = truth[c] > threshold ? 1 : 0;
    bs += (p[c] - o) ** 2;
    ref += (reference - o) ** 2;
  }
  return { brier: bs / p.length, skill: ref > 0 ? 1 - bs / ref : Number.NaN };
}

/** Equal-width bins of the predicted probability in the reliability diagram. */
export const RELIABILITY_BINS = 10;
/** Bins holding at least this share of the cells are judged (issue 19: a sparse bin's frequency is noise). */
export const RELIABILITY_MIN_SHARE = 0.05;
/** Largest |observed − predicted| a judged bin may show for the map to count as reliable (issue 19's target). */
export const RELIABILITY_TOLERANCE = 0.1;

export interface ReliabilityBin {
  /** Predicted probabilities in [lo, hi) (the last bin includes 1). */
  lo: number;
  hi: number;
  cells: number;
  /** Share of all cells. */
  share: number;
  /** Mean predicted probability of its cells (null when empty). */
  predicted: number | null;
  /** Share of its cells whose true ln K exceeds the threshold (null when empty). */
  observed: number | null;
}

export interface Reliability {
  bins: ReliabilityBin[];
  /** Indices of the bins holding ≥ RELIABILITY_MIN_SHARE of the cells. */
  judged: number[];
  /** Largest |observed − predicted| over the judged bins. */
  maxGap: number;
  /** maxGap ≤ RELIABILITY_TOLERANCE. */
  reliable: boolean;
}

/**
 * Reliability diagram of P(ln K > threshold) against the truth (Wilks, Statistical Methods in the
 * Atmospheric Sciences, §8.4.4): cells binned by predicted probability, per bin the observed frequency
 * of the event against the mean prediction; a reliable map lies on the diagonal.
 */
export function reliabilityDiagram(p: ArrayLike<number>, truth: ArrayLike<number>, threshold: number, bins = RELIABILITY_BINS): Reliability {
  const cells = new Array<number>(bins).fill(0);
  const predicted = new Array<number>(bins).fill(0);
  const observed = new Array<number>(bins).fill(0);
  for (let c = 0; c < p.length; c++) {
    const b = Math.min(bins - 1, Math.floor(p[c] * bins));
    cells[b] += 1;
    predicted[b] += p[c];
    if (truth[c] > threshold) observed[b] += 1;
  }
  const out = cells.map((n, b) => ({
    lo: b / bins, hi: (b + 1) / bins, cells: n, share: n / p.length,
    predicted: n > 0 ? predicted[b] / n : null, observed: n > 0 ? observed[b] / n : null,
  }));
  const judged = out.map((bin, b) => (bin.share >= RELIABILITY_MIN_SHARE ? b : -1)).filter((b) => b >= 0);
  const maxGap = Math.max(0, ...judged.map((b) => Math.abs(out[b].observed! - out[b].predicted!)));
  return { bins: out, judged, maxGap, reliable: maxGap <= RELIABILITY_TOLERANCE };
}
