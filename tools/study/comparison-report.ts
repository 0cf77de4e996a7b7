// The paired comparison's part of docs/RESULTS.md and of the README (issue 19): verdicts from per-case
// differences with their standard errors, "wins" only beyond two of them, and what LD-DIM does give
// where its error is no better (coverage, pumping tests, the site study) said beside it.
import type { StudyTiming } from './study-report.ts';
import { pairedDifference, type ComparisonRow } from './study-metrics.ts';

export interface ComparisonStudy {
  /** Cases per field type asked for; each row's difference says how many are done. */
  cases: number;
  /** Members of each run, and the size of the ensemble of its first members also reported. */
  members: number;
  subset: number;
  /** Latent (ldim) or pixel (pixel) iterations per member, and ldim's refine iterations after them. */
  iters: number;
  refine: number;
  setting: string;
  rows: ComparisonRow[];
  timing?: StudyTiming;
}

/** Where the descriptive 5-case tables can be compared with the paired study. */
export interface DescriptiveRow {
  stage: string;
  field: string;
  method: string;
  ensembleRelL2: number;
}

const f = (v: number | null | undefined, digits = 3) => (v === null || v === undefined ? '–' : v.toFixed(digits));
const signed = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(3)}`;

/** "+0.010 ± 0.016" (difference ± standard error). */
export function differenceText(row: ComparisonRow): string {
  return `${signed(row.difference.mean)} ± ${f(row.difference.se)}`;
}

function table(c: ComparisonStudy, full: boolean): string[] {
  const [a, b] = c.rows[0]?.methods ?? ['ldim+refine', 'pixel'];
  const head = full
    ? [`| field | members | cases | ${a} | ${b} | difference (${a} − ${b}) ± s.e. | verdict | 90 % coverage (t), ${a} / ${b} | misclassified (mean field), ${a} / ${b} |`, '|---|---|---|---|---|---|---|---|---|']
    : [`| field | members | cases | ${a} | ${b} | difference ± s.e. | verdict | 90 % coverage, ${a} / ${b} |`, '|---|---|---|---|---|---|---|---|'];
  return [
    ...head,
    ...c.rows.map((r) => {
      const [x, y] = r.figures;
      const cells = [r.field, r.members, r.difference.cases, f(x.ensembleRelL2), f(y.ensembleRelL2), differenceText(r), r.verdict, `${f(x.coverageT, 2)} / ${f(y.coverageT, 2)}`];
      if (full) cells.push(x.ensembleMisclassified === null ? '–' : `${f(x.ensembleMisclassified)} / ${f(y.ensembleMisclassified)}`);
      return `| ${cells.join(' | ')} |`;
    }),
  ];
}

/** The section "Where LD-DIM wins and where it does not" of docs/RESULTS.md. */
export function comparisonSection(c: ComparisonStudy | undefined, descriptive: DescriptiveRow[]): string[] {
  const out = ['## Where LD-DIM wins and where it does not', ''];
  if (!c || c.rows.length === 0) return [...out, 'No paired comparison in results.json yet (`npm run reproduce -- --stages comparison`).', ''];
  // Cases done per ensemble size: the fewer of the two fields, 0 where a size has no row yet.
  const done = [c.subset, c.members].map((size) => ({ size, cases: Math.min(...['gaussian', 'bimaterial'].map((field) => c.rows.find((r) => r.field === field && r.members === size)?.difference.cases ?? 0)) }));
  out.push(
    `Paired comparison on fresh cases (seeds never used while developing), ${c.setting}, up to ${c.cases} cases per field type`,
    `(the "cases" column says how many are done). Each case is inverted once per method by a ${c.members}-member run: ldim+refine`,
    `with ${c.iters} latent and up to ${c.refine} refine iterations per member, pixel with up to ${c.iters} iterations (as in the 5-case tables).`,
    `The ${c.subset}-member rows are the first ${c.subset} members of the same runs, which are exactly the ${c.subset}-member runs, since a`,
    "member's seed depends only on the run seed and its index (tools/study/member-subset.ts).",
    'Difference: per case, the ensemble-mean ln K relative L2 error of the first method minus the second, averaged over',
    'cases, ± its standard error (s/√n). A method "wins" only where the difference lies beyond two standard errors.',
    '',
    ...table(c, true),
    '',
  );
  const ties = c.rows.filter((r) => r.verdict === 'no significant difference');
  const losses = c.rows.filter((r) => r.verdict === `${r.methods[1]} wins`);
  const wins = c.rows.filter((r) => r.verdict === `${r.methods[0]} wins`);
  const list = (rows: ComparisonRow[]) => rows.map((r) => `${r.field} with ${r.members} members (${differenceText(r)})`).join(', ');
  if (wins.length > 0) out.push(`- Error of the ensemble mean: ${wins[0].methods[0]} wins on ${list(wins)}.`);
  if (losses.length > 0) out.push(`- Error of the ensemble mean: ${losses[0].methods[1]} wins on ${list(losses)}; LD-DIM does not.`);
  if (ties.length > 0) out.push(`- Error of the ensemble mean: no significant difference on ${list(ties)}; LD-DIM does not win there.`);
  const few = c.rows.filter((r) => r.verdict.startsWith('too few'));
  if (few.length > 0) out.push(`- Error of the ensemble mean: too few cases for a verdict on ${list(few)}.`);
  // Coverage of each field's largest ensembles done.
  const coverage = [...new Set(c.rows.map((r) => r.field))]
    .map((field) => c.rows.filter((r) => r.field === field).reduce((x, y) => (y.members > x.members ? y : x)))
    .filter((r) => r.figures[0].coverageT !== null && r.figures[1].coverageT !== null);
  if (coverage.length > 0) {
    const [a, b] = coverage[0].methods;
    out.push(
      `- Uncertainty: the 90 % intervals of ${a}'s ensembles cover ${coverage.map((r) => `${f(r.figures[0].coverageT, 2)} (${r.field}, ${r.members} members)`).join(' and ')}` +
        ` of the true ln K, ${b}'s rml ensembles ${coverage.map((r) => `${f(r.figures[1].coverageT, 2)}`).join(' and ')}: their members barely differ, so their spread says little about their error.`,
    );
  }
  const informative = (field: string, method: string) => descriptive.find((d) => d.stage === 'informative' && d.field === field && d.method === method);
  const pumping = ['gaussian', 'bimaterial'].map((field) => ({ field, a: informative(field, 'ldim+refine'), b: informative(field, 'pixel') })).filter((p) => p.a && p.b);
  if (pumping.length > 0) {
    out.push(
      `- With pumping tests (225 sensors, 4 tests; only the 5-case descriptive table below, no paired verdict): ldim+refine's ensemble-mean error ` +
        `${pumping.map((p) => `${f(p.a!.ensembleRelL2, 2)} against pixel's ${f(p.b!.ensembleRelL2, 2)} (${p.field})`).join(', ')}.`,
    );
  }
  out.push(
    '- On the example site (fresh truths, 16 members, pixel given as many iterations): see [results/site-study.md](results/site-study.md), whose paired difference has its own standard error.',
    '',
  );
  const unfinished = done.filter((d) => d.cases < c.cases);
  if (unfinished.length > 0) {
    out.push(`Not finished when this was written: only ${unfinished.map((d) => `${d.cases} of the ${c.cases} cases per field type have ${d.size}-member ensembles`).join(', ')}.`, '');
  }
  // A partial study's larger ensembles cover fewer cases: the smaller ensembles on those same cases tell
  // what changed with the ensemble size and what with the cases.
  for (const large of c.rows.filter((r) => r.members === c.members)) {
    const small = c.rows.find((r) => r.field === large.field && r.members === c.subset);
    if (!small || small.seeds.length === large.seeds.length) continue;
    const k = large.seeds.map((seed) => small.seeds.indexOf(seed));
    if (k.some((i) => i < 0)) continue;
    const same = { ...small, difference: pairedDifference(k.map((i) => small.errors[0][i]), k.map((i) => small.errors[1][i])) };
    out.push(`On the ${large.seeds.length} ${large.field} cases that have ${c.members} members, the ${c.subset}-member difference is ${differenceText(same)}.`, '');
  }
  return out;
}

/** The README's results lines: the paired table alone (the README's text above the block says what it holds). */
export function comparisonReadmeLines(c: ComparisonStudy | undefined): string[] {
  if (!c || c.rows.length === 0) return ['No paired comparison yet: `npm run reproduce -- --stages comparison`.'];
  return table(c, false);
}
