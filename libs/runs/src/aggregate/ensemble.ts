// Aggregation as a pure function of member records: which members count, per-cell statistics of ln K
// and of h for every test, and with a truth every metric of @ldinv/optim per member and for the mean
// (the misclassified fraction is @ldinv/prior's, shared with the prior quality figures).
import {
  activeCellPicker, chiSquaredPerDatum, intervalCoverage, relativeL2, relativeL2OfHeads, relativeL2OfK, spreadSkill, ssim, type SpreadSkill,
} from '@ldinv/optim';
import type { Observation } from '@ldinv/fields';
import { misclassifiedFraction } from '@ldinv/prior';
import type { DoneMember, FailedMember, MemberOutcome, MemberRecord, MemberTiming } from '../run-store/member-record.ts';
import { cellStats, sortedQuantile, type CellStats } from './cell-stats.ts';
import { chainDraws, summariseChains, type ChainSummary } from './chains.ts';
import { brierScore, ensembleModes, exceedanceProbability, reliabilityDiagram, type ModeAnalysis, type Reliability } from './robustness.ts';

export interface AggregateCase {
  grid: { nx: number; ny: number };
  tests: number;
  observations: readonly Observation[];
  truthLogK?: Float64Array;
  /** Noise-free heads of the truth, per test. */
  truthHeads?: Float64Array[];
  /** Forward model for the ensemble-mean field: heads per test and predictions in obs.csv order. */
  predict?: (logK: Float64Array) => { heads: Float64Array[]; predicted: Float64Array };
  /** No test has a source, so the heads do not fix the mean of ln K (solver's logKLevelFree). */
  logKLevelFree?: boolean;
  /** Active cells of a site (nonzero = active): metrics and scores count only these. */
  active?: ArrayLike<number>;
  /** ln K threshold of the probability map, where it comes from, and the share of the high material
   *  a forecaster knows beforehand (the prior's volume fraction), for the Brier skill. */
  threshold?: { value: number; source: string; highFraction: number | null };
}

/** A robustness study's figures of an ensemble (see robustness.ts). */
export interface Robustness {
  modes: ModeAnalysis;
  /** Relative L2 error of each mode's mean ln K (with a truth), in the order of modes.modes. */
  modeErrors: (number | null)[];
  threshold: { value: number; source: string } | null;
  /** Per cell P(ln K > threshold) over the included members. */
  probability: Float64Array | null;
  /** Brier score of the probability map against the truth (active cells) and its skill against the prior's volume fraction. */
  brier: number | null;
  brierSkill: number | null;
  /** Reliability diagram of the probability map against the truth (active cells). */
  reliability: Reliability | null;
  /** Coefficient of variation of the included members' ln K errors (with a truth). */
  errorCv: number | null;
}

export interface AggregateOptions {
  /** Members whose final χ²/M exceeds this are listed and left out of the statistics. */
  maxMisfit: number;
}

export interface FieldMetrics {
  relL2LogK: number;
  relL2K: number;
  relL2Heads: number;
  /** SSIM of ln K (null on grids smaller than its 11x11 window, or without a window of active cells). */
  ssimLogK: number | null;
  /** Fraction of misclassified cells (null unless the truth has exactly two values, i.e. bimaterial). */
  misclassified: number | null;
  /** χ²/M of the field's predictions. */
  chi2: number;
}

export type MemberStatus = 'included' | 'excluded' | 'failed';

/** The scalars of a member's result that its row of the member table shows (null for a failed member). */
const ROW_FIELDS = ['misfit', 'regulariser', 'iterations', 'stopReason', 'refineFrom', 'priorWeight'] as const satisfies readonly (keyof MemberOutcome)[];
type OrNull<T> = { [K in keyof T]-?: Exclude<T[K], undefined> | null };
type RowScalars = OrNull<Pick<MemberOutcome, (typeof ROW_FIELDS)[number]>>;

/** A row of the member table: the record's identity, ROW_FIELDS of its result, where it ran, and its metrics. */
export interface MemberRow extends Pick<MemberRecord, 'index' | 'seed' | 'attempts'>, RowScalars, OrNull<Pick<MemberTiming, 'wallMs' | 'worker'>> {
  status: MemberStatus;
  /** One-line message of a failed member's last failure, else null. */
  error: string | null;
  metrics: FieldMetrics | null;
}

function rowScalars(r: DoneMember | null): RowScalars {
  return Object.fromEntries(ROW_FIELDS.map((k) => [k, r?.[k] ?? null])) as RowScalars;
}

export interface EnsembleMetrics {
  mean: FieldMetrics;
  /** Fraction of cells whose true ln K lies in the ensemble's 5-95 % range (empirical) and t interval. */
  coverage90LogK: { empirical: number; t: number } | null;
  coverage90Heads: { empirical: number; t: number } | null;
  spreadSkillLogK: SpreadSkill | null;
  spreadSkillHeads: SpreadSkill | null;
}

export interface AggregateResult {
  grid: { nx: number; ny: number };
  rows: MemberRow[];
  included: number[];
  excluded: { index: number; misfit: number }[];
  failed: { index: number; error: string }[];
  /** null when no member is included. */
  logK: CellStats | null;
  heads: CellStats[] | null;
  metrics: EnsembleMetrics | null;
  /**
   * Cases whose heads do not fix the mean of ln K, with >= 2 members included: the standard deviation of
   * the members' mean ln K, a spread that comes from their starts (or prior draws), not from the data.
   */
  logKLevelSpread: number | null;
  /** null when no member is included. */
  robustness: Robustness | null;
  /** mcmc: how the included chains mixed; null for other modes. */
  chains: ChainSummary | null;
}

/**
 * A field the ensemble statistics run over: an included member's final field, or in mode mcmc a kept
 * sample of an included chain (the chains' samples pooled are the posterior ensemble).
 */
interface EnsembleDraw {
  member: number;
  logK: Float64Array;
  heads: Float64Array[];
  misfit: number;
}

/** Draws the clustering of modes looks at, at most: k-medoids costs the cube of their number. */
const MAX_MODE_DRAWS = 200;

function medianMisfit(values: Float64Array): number {
  return values.length === 0 ? Number.NaN : sortedQuantile(Float64Array.from(values).sort(), 0.5);
}

function ensembleDraws(c: AggregateCase, included: readonly DoneMember[]): EnsembleDraw[] {
  if (!included.some((m) => m.chain)) return included.map((m) => ({ member: m.index, logK: m.logK, heads: m.heads, misfit: m.misfit }));
  const { predict } = c;
  if (!predict) throw new Error('aggregating mcmc chains needs the case\'s forward model (the heads of every sample)');
  return chainDraws(included).map((d) => ({ ...d, heads: predict(d.logK).heads }));
}

/** Splits observations by test, in obs.csv order within each test. */
function byTest(c: AggregateCase, predicted: Float64Array) {
  const p: number[][] = Array.from({ length: c.tests }, () => []);
  const d: number[][] = Array.from({ length: c.tests }, () => []);
  const s: number[][] = Array.from({ length: c.tests }, () => []);
  c.observations.forEach((o, k) => {
    p[o.test].push(predicted[k]);
    d[o.test].push(o.head);
    s[o.test].push(o.sigma);
  });
  return { p, d, s };
}

function chi2Of(c: AggregateCase, predicted: Float64Array): number {
  const { p, d, s } = byTest(c, predicted);
  return chiSquaredPerDatum(p, d, s);
}

const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);

function twoPhases(truth: Float64Array): [number, number] | null {
  const values = new Set<number>();
  for (const v of truth) {
    values.add(v);
    if (values.size > 2) return null;
  }
  if (values.size !== 2) return null;
  const [a, b] = [...values];
  return [Math.min(a, b), Math.max(a, b)];
}

/** `pick`: the case's active cells (activeCellPicker), built once per aggregation. */
type CellPick = ReturnType<typeof activeCellPicker>;

function fieldMetrics(c: AggregateCase, pick: CellPick, logK: Float64Array, heads: Float64Array[], predicted: Float64Array): FieldMetrics | null {
  if (!c.truthLogK || !c.truthHeads) return null;
  const [estimate, truth] = [pick(logK), pick(c.truthLogK)];
  const phases = twoPhases(truth);
  const { nx, ny } = c.grid;
  return {
    relL2LogK: relativeL2(estimate, truth),
    relL2K: relativeL2OfK(estimate, truth),
    relL2Heads: relativeL2OfHeads(heads.map(pick), c.truthHeads.map(pick)),
    ssimLogK: nx >= 11 && ny >= 11 ? finiteOrNull(ssim(logK, c.truthLogK, c.grid, { active: c.active })) : null,
    misclassified: phases ? misclassifiedFraction(estimate, truth, phases) : null,
    chi2: chi2Of(c, predicted),
  };
}

function coverageOf(members: Float64Array[], truth: Float64Array) {
  return {
    empirical: intervalCoverage(members, truth, { level: 0.9, kind: 'empirical' }),
    t: intervalCoverage(members, truth, { level: 0.9, kind: 't' }),
  };
}

/** Concatenates per-test arrays (heads of all tests as one vector) for the ensemble scores. */
function concat(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function robustnessOf(c: AggregateCase, pick: CellPick, draws: readonly EnsembleDraw[], rows: readonly MemberRow[]): Robustness {
  const stride = Math.max(1, Math.ceil(draws.length / MAX_MODE_DRAWS));
  const clustered = draws.filter((_, k) => k % stride === 0);
  const modes = ensembleModes(clustered.map((d) => d.member), clustered.map((d) => pick(d.logK)), clustered.map((d) => d.logK), clustered.map((d) => d.misfit));
  // Samples of one chain share its index: a mode lists each chain once, its weight is its share of samples.
  for (const mode of modes.modes) mode.members = [...new Set(mode.members)].sort((a, b) => a - b);
  const truth = c.truthLogK ? pick(c.truthLogK) : null;
  const modeErrors = modes.modes.map((mode) => (truth ? relativeL2(pick(mode.meanLogK), truth) : null));
  const probability = c.threshold ? exceedanceProbability(draws.map((d) => d.logK), c.threshold.value) : null;
  let brier: number | null = null;
  let brierSkill: number | null = null;
  let reliability: Reliability | null = null;
  if (probability && truth && c.threshold) {
    const score = brierScore(pick(probability), truth, c.threshold.value, c.threshold.highFraction ?? Number.NaN);
    brier = score.brier;
    brierSkill = c.threshold.highFraction === null ? null : score.skill;
    reliability = reliabilityDiagram(pick(probability), truth, c.threshold.value);
  }
  const errors = rows.filter((r) => r.status === 'included' && r.metrics).map((r) => r.metrics!.relL2LogK);
  const mean = errors.reduce((a, e) => a + e, 0) / errors.length;
  const errorCv = errors.length >= 2 ? cellStats(errors.map((e) => [e])).std[0] / mean : null;
  return {
    modes, modeErrors, threshold: c.threshold ? { value: c.threshold.value, source: c.threshold.source } : null,
    probability, brier, brierSkill, reliability, errorCv,
  };
}

export function aggregateMembers(records: readonly MemberRecord[], c: AggregateCase, opts: AggregateOptions): AggregateResult {
  const sorted = [...records].sort((a, b) => a.index - b.index);
  const done = sorted.filter((r): r is DoneMember => r.status === 'done');
  const failed = sorted.filter((r): r is FailedMember => r.status === 'failed');
  const cells = c.grid.nx * c.grid.ny;
  const pick = activeCellPicker(c.active);
  for (const m of done) {
    if (m.logK.length !== cells) throw new Error(`member ${m.index}: logK has ${m.logK.length} values, the case grid needs ${cells}`);
    if (m.heads.length !== c.tests) throw new Error(`member ${m.index}: ${m.heads.length} head fields, the case has ${c.tests} tests`);
  }
  // NaN misfit (a diverged member) compares false with everything: treat it as above the cut.
  // A chain is judged by its typical sample (median χ²/M of what it kept), not by its last draw.
  const fitOf = (m: DoneMember) => (m.chain ? medianMisfit(m.chain.sampleMisfit) : m.misfit);
  const keep = (m: DoneMember) => fitOf(m) <= opts.maxMisfit;
  const included = done.filter(keep);
  const rows: MemberRow[] = sorted.map((r) =>
    r.status === 'done'
      ? {
          index: r.index, seed: r.seed, status: keep(r) ? 'included' : 'excluded', attempts: r.attempts, ...rowScalars(r),
          wallMs: r.timing.wallMs, worker: r.timing.worker, error: null,
          metrics: fieldMetrics(c, pick, r.logK, r.heads, r.predicted),
        }
      : {
          index: r.index, seed: r.seed, status: 'failed', attempts: r.attempts, ...rowScalars(null),
          wallMs: null, worker: null, error: r.error, metrics: null,
        },
  );
  const result: AggregateResult = {
    grid: c.grid, rows,
    included: included.map((m) => m.index),
    excluded: done.filter((m) => !keep(m)).map((m) => ({ index: m.index, misfit: fitOf(m) })),
    failed: failed.map((m) => ({ index: m.index, error: m.error })),
    logK: null, heads: null, metrics: null, logKLevelSpread: null, robustness: null, chains: null,
  };
  if (included.length === 0) return result;
  const draws = ensembleDraws(c, included);
  // Mixing is judged over every finished chain: a chain stuck in a poor mode is what R̂ is for.
  if (included.some((m) => m.chain)) result.chains = summariseChains(done, pick, c.active, done.filter((m) => !keep(m)).map((m) => m.index));
  result.logK = cellStats(draws.map((d) => d.logK));
  result.heads = Array.from({ length: c.tests }, (_, t) => cellStats(draws.map((d) => d.heads[t])));
  if (c.logKLevelFree && draws.length >= 2) {
    // Each member's level as a one-cell field: its standard deviation over members is the spread.
    const level = (logK: Float64Array) => {
      const a = pick(logK);
      return a.reduce((s, v) => s + v, 0) / a.length;
    };
    result.logKLevelSpread = cellStats(draws.map((d) => [level(d.logK)])).std[0];
  }
  result.robustness = robustnessOf(c, pick, draws, rows);
  if (c.truthLogK && c.truthHeads && c.predict) {
    const meanField = c.predict(result.logK.mean);
    const enough = draws.length >= 2;
    const memberHeads = enough ? draws.map((d) => concat(d.heads.map(pick))) : [];
    const truthHeads = concat(c.truthHeads.map(pick));
    const memberLogK = enough ? draws.map((d) => pick(d.logK)) : [];
    const truthLogK = pick(c.truthLogK);
    result.metrics = {
      mean: fieldMetrics(c, pick, result.logK.mean, meanField.heads, meanField.predicted)!,
      coverage90LogK: enough ? coverageOf(memberLogK, truthLogK) : null,
      coverage90Heads: enough ? coverageOf(memberHeads, truthHeads) : null,
      spreadSkillLogK: enough ? spreadSkill(memberLogK, truthLogK) : null,
      spreadSkillHeads: enough ? spreadSkill(memberHeads, truthHeads) : null,
    };
  }
  return result;
}
