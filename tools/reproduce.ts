// npm run reproduce [-- --cases 5 --members 8 --iters 200 --calibration-cases 20 --comparison-cases 20
//   --stages core,settings,informative,calibration,reference,comparison
//   --methods ldim,ldim+refine,pixel,vae,pinn --priors DIR]  (--priors: a folder with gaussian-64/ and bimaterial-64/
//   to use instead of the shipped priors; --methods: run only these of each stage's methods; --readme none:
//   leave README.md's results block alone; --no-runs: the comparison stage only reports the runs on disk,
//   e.g. of a study stopped at a deadline; --stages mcmc [--mcmc-cases 10]: the calibration of mcmc against rml and
//   multistart, tools/study/mcmc-calibration.ts, written to docs/results/mcmc-calibration.md; hours on 2 cores, so
//   not among the default stages)
// Issue 9: the comparison of LD-DIM with the pixel, physics-embedded VAE and PINN baselines, run as
// `ldinv invert` ensembles (resumable: rerun to continue; finished runs are skipped), then every table
// and figure of docs/RESULTS.md and docs/results/ regenerated from the runs. Stages run in order and
// the documents are rewritten after each, so a partial study already reports what it has. The stages
// not run keep their figures from the stored results.json (their runs need not be on this machine).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { writeFileAtomic } from '@ldinv/tensor';
import { flag } from './bench/invert-runs.ts';
import { caseSeeds, ensureCase, FIELD_KINDS, PRIOR_OF, SETTINGS, studyRunSeed, type CaseSet, type SettingName, type StudyField } from './study/study-cases.ts';
import { convergenceFigure, errorCurveFigure, errorDistributionFigure, panelFigures, reliability, reliabilityFigure } from './study/study-figures.ts';
import { referenceStudy } from './study/gaussian-reference.ts';
import { mcmcCalibration } from './study/mcmc-calibration.ts';
import { STUDY_METHODS, type StudyMethod } from './study/study-methods.ts';
import { firstMembersSummary } from './study/member-subset.ts';
import { cellFigures, comparisonRow, rowFigures, type CellFigures, type ComparisonRow, type RowFigures } from './study/study-metrics.ts';
import { firstMembersDone, readSummary, runFirstMembers, runStudy, type StudyCell } from './study/study-runner.ts';
import { resultsMarkdown, studyTiming, withReadmeResults, type StudyResults } from './study/study-report.ts';

const cases = Number(flag('cases', '5'));
const calibrationCases = Number(flag('calibration-cases', '20'));
const comparisonCases = Number(flag('comparison-cases', '20'));
const mcmcCases = Number(flag('mcmc-cases', '10'));
const members = Number(flag('members', '8'));
const iters = Number(flag('iters', '200'));
const stages = flag('stages', 'core,settings,informative,calibration,reference,comparison').split(',');
const runsRoot = flag('runs', 'runs/study');
const outDir = flag('out', 'docs/results');
const docPath = flag('doc', 'docs/RESULTS.md');
const onlyMethods = flag('methods', '');
const priorsDir = flag('priors', '');
const readmePath = flag('readme', 'README.md');
const noRuns = process.argv.includes('--no-runs');

interface Cell extends StudyCell {
  stage: string;
  field: StudyField;
  setting: SettingName;
  methodName: string;
  /** Position of the case's seed in its case set. */
  caseIndex: number;
}

function cellsOf(stage: string, set: CaseSet, count: number, settings: SettingName[], methodNames: string[], mode?: 'rml', ensemble = members): Cell[] {
  const out: Cell[] = [];
  for (const field of FIELD_KINDS) {
    for (const setting of settings) {
      for (const [caseIndex, seed] of caseSeeds(set, field, count).entries()) {
        const caseDir = ensureCase(join(runsRoot, 'cases'), field, SETTINGS[setting], seed);
        for (const name of methodNames.filter((m) => !onlyMethods || onlyMethods.split(',').includes(m))) {
          const m = STUDY_METHODS[name];
          const id = `${field}-${setting}-s${seed}-${name}${mode ? `-${mode}` : ''}`;
          out.push({ id, stage, field, setting, methodName: name, caseIndex, caseDir, method: m.method, mode: mode ?? m.mode, args: m.args, members: ensemble, iters, seed: studyRunSeed(seed),
            ...(priorsDir ? { prior: join(priorsDir, PRIOR_OF[field]) } : {}) });
        }
      }
    }
  }
  return out;
}

/** The paired comparison (issue 19): one 32-member run per case and method; its first 8 members are the 8-member run. */
const COMPARISON_METHODS: [string, string] = ['ldim+refine', 'pixel'];
const COMPARISON_MEMBERS = 32;
const COMPARISON_SUBSET = 8;

const refineOf = (m: StudyMethod) => Number(m.args[m.args.indexOf('--refine') + 1]);
const byCase = (cells: Cell[]) => [...cells].sort((a, b) => a.caseIndex - b.caseIndex);

const STAGES: Record<string, () => Cell[]> = {
  core: () => cellsOf('core', 'benchmark', cases, ['standard'], ['ldim', 'ldim+refine', 'pixel', 'vae', 'pinn']),
  settings: () => cellsOf('settings', 'benchmark', cases, ['sensors16', 'noise5', 'tests4'], ['ldim']),
  informative: () => cellsOf('informative', 'benchmark', cases, ['informative'], ['ldim', 'ldim+refine', 'pixel', 'vae']),
  calibration: () => cellsOf('calibration', 'calibration', calibrationCases, ['standard'], ['ldim+refine'], 'rml'),
  // Case by case, both fields in turn, so that a study stopped early has the same cases of each field.
  comparison: () => byCase(cellsOf('comparison', 'comparison', comparisonCases, ['standard'], COMPARISON_METHODS, undefined, COMPARISON_MEMBERS)),
};
/** The exact-prior reference (not `ldinv invert` runs): gaussian cases of the core, informative and calibration stages. */
const REFERENCE_SETS = [
  { set: 'benchmark', setting: 'standard', count: cases },
  { set: 'benchmark', setting: 'informative', count: cases },
  { set: 'calibration', setting: 'standard', count: calibrationCases },
] as const;
const REFERENCE_ITERATIONS = 1000;
if (noRuns && stages.some((x) => x !== 'comparison')) throw new Error(`--no-runs: only the comparison stage reports without running, got --stages ${stages.join(',')}`);
for (const s of stages) {
  if (!STAGES[s] && s !== 'reference' && s !== 'mcmc') throw new Error(`--stages: unknown stage '${s}' (known: ${[...Object.keys(STAGES), 'reference', 'mcmc'].join(', ')})`);
}

const resultsPath = join(outDir, 'results.json');
const stored = existsSync(resultsPath) ? (JSON.parse(readFileSync(resultsPath, 'utf8')) as StudyResults) : null;
// The mcmc stage writes its own document, so like comparison it leaves the study's settings alone.
const runsCells = stages.some((x) => x !== 'comparison' && x !== 'mcmc');
const results: StudyResults = {
  settings: stored && !runsCells ? stored.settings : { cases, calibrationCases, members, iters },
  rows: (stored?.rows ?? []).filter((x) => !stages.includes(x.stage)),
  calibration: stages.includes('calibration') ? [] : (stored?.calibration ?? []),
  figures: stored?.figures ?? [],
  ...(stored?.reference && !stages.includes('reference') ? { reference: stored.reference } : {}),
  ...(stored?.comparison && !stages.includes('comparison') ? { comparison: stored.comparison } : {}),
  ...(stored?.timing ? { timing: stored.timing } : {}),
};
mkdirSync(outDir, { recursive: true });
const started = Date.now();
const studyRunDirs: string[] = [];

function figure(name: string, svg: { toSvg(): string }, caption: string): void {
  writeFileAtomic(join(outDir, name), svg.toSvg());
  const file = relative(join(docPath, '..'), join(outDir, name));
  // The .png of the same figure, from a study before the figures were SVG, is replaced too.
  const old = file.replace(/\.svg$/, '.png');
  results.figures = [...results.figures.filter((x) => x.file !== file && x.file !== old), { file, caption }];
}

function writeDocuments(stage: string): void {
  // From the runs' own session records, so that regenerating the documents keeps the figures.
  if (studyRunDirs.length > 0) results.timing = studyTiming(studyRunDirs);
  writeFileAtomic(join(outDir, 'results.json'), `${JSON.stringify(results, null, 1)}\n`);
  writeFileAtomic(docPath, resultsMarkdown(results));
  if (readmePath !== 'none') writeFileAtomic(readmePath, withReadmeResults(readFileSync(readmePath, 'utf8'), results));
  console.error(`reproduce: stage ${stage} written to ${docPath} and ${outDir}`);
}

const dirOf = (c: Cell) => join(runsRoot, 'runs', c.id);

/** The 8-member figures of a cell (its first members, computed once), or null until they are on disk. */
const subsetFigures = new Map<string, CellFigures>();
function figuresOf(c: Cell, size: number): CellFigures | null {
  if (size === COMPARISON_MEMBERS) {
    const summary = readSummary(dirOf(c));
    return summary ? cellFigures(summary) : null;
  }
  if (!subsetFigures.has(c.id)) {
    if (!firstMembersDone(dirOf(c), size)) return null;
    subsetFigures.set(c.id, cellFigures(firstMembersSummary(dirOf(c), size)));
  }
  return subsetFigures.get(c.id)!;
}

/** Per field and ensemble size, the cases on which both methods have that many members done. */
function comparisonRows(cells: Cell[]): ComparisonRow[] {
  const out: ComparisonRow[] = [];
  for (const field of FIELD_KINDS) {
    for (const size of [COMPARISON_SUBSET, COMPARISON_MEMBERS]) {
      const seeds: number[] = [];
      const pairs: [CellFigures, CellFigures][] = [];
      for (const [k, seed] of caseSeeds('comparison', field, comparisonCases).entries()) {
        const mine = COMPARISON_METHODS.map((m) => cells.find((c) => c.field === field && c.caseIndex === k && c.methodName === m));
        const figures = mine.map((c) => (c ? figuresOf(c, size) : null));
        if (figures[0] && figures[1]) {
          seeds.push(seed);
          pairs.push([figures[0], figures[1]]);
        }
      }
      if (pairs.length > 0) out.push(comparisonRow(field, size, COMPARISON_METHODS, seeds, pairs));
    }
  }
  return out;
}

async function comparisonStage(cells: Cell[]): Promise<void> {
  const opts = { runsRoot: join(runsRoot, 'runs'), log: (l: string) => console.error(l) };
  const write = () => {
    const dirs = cells.map(dirOf).filter((d) => existsSync(join(d, 'run.json')));
    results.comparison = {
      cases: comparisonCases, members: COMPARISON_MEMBERS, subset: COMPARISON_SUBSET, iters, refine: refineOf(STUDY_METHODS['ldim+refine']), setting: SETTINGS.standard.label,
      rows: comparisonRows(cells), ...(dirs.length > 0 ? { timing: studyTiming(dirs) } : {}),
    };
    writeDocuments('comparison');
  };
  // The 8-member ensembles of every case first, then each run resumed to 32 members, the documents
  // rewritten after each case: a study stopped at a deadline reports every case it has.
  if (noRuns) return write();
  const caseIndices = [...new Set(cells.map((c) => c.caseIndex))];
  for (const k of caseIndices) {
    await runFirstMembers(cells.filter((c) => c.caseIndex === k), COMPARISON_SUBSET, opts);
    write();
  }
  for (const k of caseIndices) {
    await runStudy(cells.filter((c) => c.caseIndex === k), opts);
    write();
  }
}

for (const stage of stages) {
  if (stage === 'mcmc') {
    console.error(`reproduce: stage mcmc, ${mcmcCases} calibration cases per field kind (${((Date.now() - started) / 60_000).toFixed(1)} min so far)`);
    await mcmcCalibration({ cases: mcmcCases, fields: FIELD_KINDS, members, log: (l) => console.error(l) });
    continue;
  }
  if (stage === 'comparison') {
    const cells = STAGES.comparison();
    console.error(`reproduce: stage comparison, ${cells.length} runs of ${COMPARISON_MEMBERS} members, first ${COMPARISON_SUBSET} of each first (${((Date.now() - started) / 60_000).toFixed(1)} min so far)`);
    await comparisonStage(cells);
    continue;
  }
  if (stage === 'reference') {
    console.error(`reproduce: stage reference (${((Date.now() - started) / 60_000).toFixed(1)} min so far)`);
    results.reference = referenceStudy(runsRoot, [...REFERENCE_SETS], { members, maxIterations: REFERENCE_ITERATIONS }, (l) => console.error(l));
    writeDocuments(stage);
    continue;
  }
  const cells = STAGES[stage]();
  console.error(`reproduce: stage ${stage}, ${cells.length} runs of ${members} members (${((Date.now() - started) / 60_000).toFixed(1)} min so far)`);
  const summaries = await runStudy(cells, { runsRoot: join(runsRoot, 'runs'), log: (l) => console.error(l) });
  const figures = summaries.map(cellFigures);
  const keys = [...new Set(cells.map((c) => `${c.field}|${c.setting}|${c.methodName}`))];
  for (const key of keys) {
    const [field, setting, method] = key.split('|');
    const picked = cells.map((c, k) => ({ c, f: figures[k] })).filter(({ c }) => `${c.field}|${c.setting}|${c.methodName}` === key);
    const row: RowFigures = rowFigures(picked.map((p) => p.f));
    if (stage === 'calibration') results.calibration.push({ field, setting, method, ...row });
    else results.rows.push({ stage, field, setting, method, ...row });
  }
  studyRunDirs.push(...cells.map(dirOf));
  for (const field of FIELD_KINDS) {
    const mine = cells.filter((c) => c.field === field);
    if (stage === 'core' || stage === 'informative') {
      const methods = [...new Set(mine.map((c) => c.methodName))];
      const groups = methods.map((m) => ({ label: m, runDirs: mine.filter((c) => c.methodName === m).map(dirOf) }));
      figure(`convergence-${field}-${stage}.svg`, convergenceFigure(`${field}, ${SETTINGS[mine[0].setting].label}`, groups), `median χ²/M against iteration per method, ${field}, ${stage}`);
      const errorCurves = errorCurveFigure(`${field}, ${SETTINGS[mine[0].setting].label}`, groups);
      if (errorCurves) figure(`error-curves-${field}-${stage}.svg`, errorCurves, `median ln K error against iteration per method, ${field}, ${stage}`);
      const errors = methods.map((m) => ({ label: m, errors: results.rows.find((r) => r.stage === stage && r.field === field && r.method === m)!.errors }));
      figure(`errors-${field}-${stage}.svg`, errorDistributionFigure(`${field}: ln K error of single starts`, errors), `distribution of the single-start ln K error per method, ${field}, ${stage}`);
      const first = mine[0].caseDir;
      const panels = panelFigures(first, methods.map((m) => ({ label: m, runDir: dirOf(mine.find((c) => c.caseDir === first && c.methodName === m)!) })));
      figure(`panels-${field}-${stage}-mean.svg`, panels.mean, `truth and ensemble means per method, first ${field} case (${stage})`);
      figure(`panels-${field}-${stage}-std.svg`, panels.std, `ensemble standard deviations per method, first ${field} case (${stage})`);
    }
    if (stage === 'calibration') {
      const observed = reliability(mine.map(dirOf), (dir) => mine.find((c) => dirOf(c) === dir)!.caseDir);
      results.calibration.find((r) => r.field === field)!.reliability = observed;
    }
  }
  if (stage === 'calibration') {
    const curves = results.calibration.map((r) => ({ label: `${r.field} (rml, ${members} members)`, observed: r.reliability! }));
    figure('reliability.svg', reliabilityFigure('Reliability of the rml ensembles', curves), 'observed against nominal coverage of the t interval, rml ensembles');
  }
  writeDocuments(stage);
}
