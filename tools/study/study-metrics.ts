// The figures of a study cell (one ensemble run) read from its summary.json, and their averages over
// the cases of a table row.
import type { FieldMetrics } from '@ldinv/runs';

/** The parts of `ldinv aggregate`'s summary.json a study reads. */
export interface RunSummary {
  run: string;
  case: string;
  status: string;
  method: string;
  mode: string;
  members: { requested: number; done: number; included: number };
  ensemble: {
    mean: FieldMetrics;
    coverage90LogK: { empirical: number; t: number } | null;
    spreadSkillLogK: { ratio: number } | null;
  } | null;
  memberTable: { index: number; status: string; misfit: number | null; iterations: number | null; wallMs: number | null; metrics: FieldMetrics | null }[];
}

export interface CellFigures {
  /** Mean over starts of the single-start ln K relative L2 error. */
  singleRelL2: number;
  /** ln K relative L2 error of the ensemble mean. */
  ensembleRelL2: number;
  /**
   * The ensemble-mean error extrapolated to infinitely many members, treating members as i.i.d.
   * around their expected field μ: E|x̄_N − t|² = |μ − t|² + v/N and E|x_i − t|² = |μ − t|² + v give
   * |μ − t|² = (N e_N² − mean e_i²)/(N − 1). Tells how much of e_N is the ensemble's finite size.
   */
  infiniteEnsembleRelL2: number | null;
  singleSsim: number | null;
  ensembleSsim: number | null;
  singleMisclassified: number | null;
  ensembleMisclassified: number | null;
  /** Fractions of starts whose final χ²/M is ≤ 1 and ≤ 1.5. */
  fit1: number;
  fit15: number;
  /** Coefficient of variation over starts of the ln K error. */
  errorCv: number;
  /** 90 % interval coverage of the true ln K: t interval and empirical 5–95 % range. */
  coverageT: number | null;
  coverageEmpirical: number | null;
  spreadSkill: number | null;
  /** Per-start ln K errors (for distributions). */
  errors: number[];
  /** Member wall time / iterations, ms (members optimised in one batch share a wall time). */
  msPerIteration: number;
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const meanOrNull = (v: (number | null)[]) => (v.some((x) => x === null) || v.length === 0 ? null : mean(v as number[]));

export function infiniteEnsembleError(ensembleError: number, memberErrors: number[]): number | null {
  const n = memberErrors.length;
  if (n < 2) return null;
  const meanSquare = memberErrors.reduce((a, e) => a + e * e, 0) / n;
  return Math.sqrt(Math.max(0, (n * ensembleError ** 2 - meanSquare) / (n - 1)));
}

export function cellFigures(s: RunSummary): CellFigures {
  const done = s.memberTable.filter((r) => r.status !== 'failed' && r.metrics !== null);
  if (done.length === 0 || !s.ensemble) throw new Error(`${s.run}: no finished members to measure`);
  const errors = done.map((r) => r.metrics!.relL2LogK);
  const m = mean(errors);
  const sd = Math.sqrt(errors.reduce((a, e) => a + (e - m) ** 2, 0) / Math.max(errors.length - 1, 1));
  return {
    singleRelL2: m,
    ensembleRelL2: s.ensemble.mean.relL2LogK,
    infiniteEnsembleRelL2: infiniteEnsembleError(s.ensemble.mean.relL2LogK, errors),
    singleSsim: meanOrNull(done.map((r) => r.metrics!.ssimLogK)),
    ensembleSsim: s.ensemble.mean.ssimLogK,
    singleMisclassified: meanOrNull(done.map((r) => r.metrics!.misclassified)),
    ensembleMisclassified: s.ensemble.mean.misclassified,
    fit1: done.filter((r) => (r.misfit ?? Infinity) <= 1).length / done.length,
    fit15: done.filter((r) => (r.misfit ?? Infinity) <= 1.5).length / done.length,
    errorCv: sd / m,
    coverageT: s.ensemble.coverage90LogK?.t ?? null,
    coverageEmpirical: s.ensemble.coverage90LogK?.empirical ?? null,
    spreadSkill: s.ensemble.spreadSkillLogK?.ratio ?? null,
    errors,
    msPerIteration: mean(done.map((r) => (r.wallMs ?? 0) / Math.max(r.iterations ?? 1, 1))),
  };
}

export type RowFigures = Omit<CellFigures, 'errors'> & { cases: number; errors: number[] };

/** Averages of the cells of one table row (the cases of a method x field x setting). */
export function rowFigures(cells: CellFigures[]): RowFigures {
  const avg = (f: (c: CellFigures) => number) => mean(cells.map(f));
  const avgOrNull = (f: (c: CellFigures) => number | null) => meanOrNull(cells.map(f));
  return {
    cases: cells.length,
    singleRelL2: avg((c) => c.singleRelL2),
    ensembleRelL2: avg((c) => c.ensembleRelL2),
    infiniteEnsembleRelL2: avgOrNull((c) => c.infiniteEnsembleRelL2),
    singleSsim: avgOrNull((c) => c.singleSsim),
    ensembleSsim: avgOrNull((c) => c.ensembleSsim),
    singleMisclassified: avgOrNull((c) => c.singleMisclassified),
    ensembleMisclassified: avgOrNull((c) => c.ensembleMisclassified),
    fit1: avg((c) => c.fit1),
    fit15: avg((c) => c.fit15),
    errorCv: avg((c) => c.errorCv),
    coverageT: avgOrNull((c) => c.coverageT),
    coverageEmpirical: avgOrNull((c) => c.coverageEmpirical),
    spreadSkill: avgOrNull((c) => c.spreadSkill),
    errors: cells.flatMap((c) => c.errors),
    msPerIteration: avg((c) => c.msPerIteration),
  };
}

/** Mean and standard error of the per-case differences a[k] − b[k] of two methods on the same cases. */
export interface PairedDifference {
  cases: number;
  mean: number;
  /** s/√n with s the sample standard deviation of the differences; null for fewer than 2 cases. */
  se: number | null;
}

export function pairedDifference(a: number[], b: number[]): PairedDifference {
  if (a.length !== b.length || a.length === 0) throw new Error(`paired difference: needs the same cases for both methods, got ${a.length} and ${b.length}`);
  const d = a.map((x, k) => x - b[k]);
  const m = mean(d);
  const n = d.length;
  return { cases: n, mean: m, se: n > 1 ? Math.sqrt(d.reduce((s, x) => s + (x - m) ** 2, 0) / (n - 1) / n) : null };
}

/** Below this many cases two standard errors are far from a 95 % interval (t(0.975, n−1) > 2.3). */
export const MIN_VERDICT_CASES = 10;

/**
 * Which of a and b has the smaller error, said only where the mean difference lies beyond two standard
 * errors (about a 95 % two-sided t test at 20 cases); otherwise no significant difference.
 */
export function pairedVerdict(d: PairedDifference, a: string, b: string): string {
  if (d.se === null || d.cases < MIN_VERDICT_CASES) return `too few cases (${d.cases}) for a verdict`;
  if (d.mean < -2 * d.se) return `${a} wins`;
  if (d.mean > 2 * d.se) return `${b} wins`;
  return 'no significant difference';
}

/** Two methods on the same cases at one ensemble size: their row figures and the paired difference a − b. */
export interface ComparisonRow {
  field: string;
  members: number;
  methods: [string, string];
  /** Case seeds, in the order of errors. */
  seeds: number[];
  /** Per case and method, the ensemble-mean ln K relative L2 error. */
  errors: [number[], number[]];
  figures: [Omit<RowFigures, 'errors'>, Omit<RowFigures, 'errors'>];
  /** Of the ensemble-mean ln K error, methods[0] − methods[1]. */
  difference: PairedDifference;
  verdict: string;
}

/** cells[k][j]: method j on case seeds[k]. */
export function comparisonRow(field: string, members: number, methods: [string, string], seeds: number[], cells: [CellFigures, CellFigures][]): ComparisonRow {
  const of = (j: 0 | 1) => cells.map((c) => c[j]);
  const summary = (j: 0 | 1) => {
    const { errors: _, ...rest } = rowFigures(of(j));
    return rest;
  };
  const errors: [number[], number[]] = [of(0).map((c) => c.ensembleRelL2), of(1).map((c) => c.ensembleRelL2)];
  const difference = pairedDifference(...errors);
  return { field, members, methods, seeds, errors, figures: [summary(0), summary(1)], difference, verdict: pairedVerdict(difference, ...methods) };
}
