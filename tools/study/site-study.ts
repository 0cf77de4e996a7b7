// The example site on fresh truths: LD-DIM+refine (as `npm start` runs it) against pixel (rml, the same
// number of solver iterations per member) on sites that differ from cases/site only in the truth
// (bimaterial-64 samples with seeds never used while developing) and the observation wells.
// Resumable: cases and finished runs are kept under runs/site-study. Writes docs/results/site-study.md.
// Run: npx tsx tools/study/site-study.ts [--seeds 101,102,103,104,105]
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '@ldinv/tensor';
import { makeSite } from '../make-site.ts';
import { cellFigures, pairedDifference } from './study-metrics.ts';
import { runStudy, type StudyCell } from './study-runner.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RUNS = join(ROOT, 'runs/site-study');
const MEMBERS = 16;
const LATENT_ITERS = 200;
const REFINE = 400;

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '101,102,103,104,105' } } });
const seeds = values.seeds!.split(',').map(Number);
mkdirSync(RUNS, { recursive: true });
const cells: StudyCell[] = [];
for (const seed of seeds) {
  const caseDir = join(RUNS, `case-${seed}`);
  if (!existsSync(join(caseDir, 'obs.csv'))) makeSite(seed, caseDir, 'ignore');
  cells.push(
    { id: `ldim-refine-${seed}`, caseDir, method: 'ldim', mode: 'multistart', members: MEMBERS, iters: LATENT_ITERS, seed, args: ['--refine', String(REFINE)] },
    { id: `pixel-${seed}`, caseDir, method: 'pixel', mode: 'rml', members: MEMBERS, iters: LATENT_ITERS + REFINE, seed },
  );
}
const summaries = await runStudy(cells, { runsRoot: RUNS, log: (line) => console.error(line) });
const rows = seeds.map((seed, k) => {
  const [ldim, pixel] = [cellFigures(summaries[2 * k]), cellFigures(summaries[2 * k + 1])];
  return { seed, ldim, pixel, diff: ldim.ensembleRelL2 - pixel.ensembleRelL2 };
});
const n = rows.length;
const meanOf = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const paired = pairedDifference(rows.map((r) => r.ldim.ensembleRelL2), rows.map((r) => r.pixel.ensembleRelL2));
const f = (v: number | null) => (v === null ? '–' : v.toFixed(3));
const pct = (v: number) => `${Math.round(100 * v)} %`;
const lines = [
  `| truth seed | LD-DIM+refine ensemble mean | pixel ensemble mean | difference | LD-DIM+refine members χ²/M ≤ 1.5 | pixel members χ²/M ≤ 1.5 | LD-DIM+refine 90 % coverage (t) |`,
  '|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.seed} | ${f(r.ldim.ensembleRelL2)} | ${f(r.pixel.ensembleRelL2)} | ${r.diff >= 0 ? '+' : ''}${r.diff.toFixed(3)} | ${pct(r.ldim.fit15)} | ${pct(r.pixel.fit15)} | ${f(r.ldim.coverageT)} |`),
  `| mean (${n} cases) | ${f(meanOf(rows.map((r) => r.ldim.ensembleRelL2)))} | ${f(meanOf(rows.map((r) => r.pixel.ensembleRelL2)))} | ${paired.mean >= 0 ? '+' : ''}${paired.mean.toFixed(3)} ± ${paired.se?.toFixed(3) ?? '–'} (s.e.) | ${pct(meanOf(rows.map((r) => r.ldim.fit15)))} | ${pct(meanOf(rows.map((r) => r.pixel.fit15)))} | ${f(meanOf(rows.map((r) => r.ldim.coverageT ?? NaN)))} |`,
];
const text = [
  '<!-- written by tools/study/site-study.ts -->',
  `Ensemble-mean ln K relative L2 error on the example site (${MEMBERS} members each; LD-DIM+refine: ${LATENT_ITERS} latent + ${REFINE} refine iterations,`,
  `multistart; pixel: ${LATENT_ITERS + REFINE} iterations, rml). Every start counts. Difference = LD-DIM+refine − pixel, paired by case.`,
  '',
  ...lines,
  '',
].join('\n');
mkdirSync(join(ROOT, 'docs/results'), { recursive: true });
writeFileAtomic(join(ROOT, 'docs/results/site-study.md'), text);
process.stdout.write(text);
