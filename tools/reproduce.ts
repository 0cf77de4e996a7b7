// npm run reproduce [-- --cases 5 --members 8 --iters 200 --calibration-cases 20 --stages core,settings,informative,calibration,reference
//   --methods ldim,ldim+refine,pixel,vae,pinn --priors DIR]  (--priors: a folder with gaussian-64/ and bimaterial-64/
//   to use instead of the shipped priors; --methods: run only these of each stage's methods; --readme none:
//   leave README.md's results block alone)
// Issue 9: the comparison of LD-DIM with the pixel, physics-embedded VAE and PINN baselines, run as
// `ldinv invert` ensembles (resumable: rerun to continue; finished runs are skipped), then every table
// and figure of docs/RESULTS.md and docs/results/ regenerated from the runs. Stages run in order and
// the documents are rewritten after each, so a partial study already reports what it has.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { flag } from './bench/invert-runs.ts';
import { caseSeeds, ensureCase, FIELD_KINDS, PRIOR_OF, SETTINGS, studyRunSeed, type CaseSet, type SettingName, type StudyField } from './study/study-cases.ts';
import { convergenceFigure, errorCurveFigure, errorDistributionFigure, panelFigures, reliability, reliabilityFigure } from './study/study-figures.ts';
import { referenceStudy } from './study/gaussian-reference.ts';
import { STUDY_METHODS } from './study/study-methods.ts';
import { cellFigures, rowFigures, type RowFigures } from './study/study-metrics.ts';
import { runStudy, type StudyCell } from './study/study-runner.ts';
import { resultsMarkdown, studyTiming, withReadmeResults, type StudyResults } from './study/study-report.ts';

const cases = Number(flag('cases', '5'));
const calibrationCases = Number(flag('calibration-cases', '20'));
const members = Number(flag('members', '8'));
const iters = Number(flag('iters', '200'));
const stages = flag('stages', 'core,settings,informative,calibration,reference').split(',');
const runsRoot = flag('runs', 'runs/study');
const outDir = flag('out', 'docs/results');
const docPath = flag('doc', 'docs/RESULTS.md');
const onlyMethods = flag('methods', '');
const priorsDir = flag('priors', '');
const readmePath = flag('readme', 'README.md');

interface Cell extends StudyCell {
  stage: string;
  field: StudyField;
  setting: SettingName;
  methodName: string;
}

function cellsOf(stage: string, set: CaseSet, count: number, settings: SettingName[], methodNames: string[], mode?: 'rml'): Cell[] {
  const out: Cell[] = [];
  for (const field of FIELD_KINDS) {
    for (const setting of settings) {
      for (const seed of caseSeeds(set, field, count)) {
        const caseDir = ensureCase(join(runsRoot, 'cases'), field, SETTINGS[setting], seed);
        for (const name of methodNames.filter((m) => !onlyMethods || onlyMethods.split(',').includes(m))) {
          const m = STUDY_METHODS[name];
          const id = `${field}-${setting}-s${seed}-${name}${mode ? `-${mode}` : ''}`;
          out.push({ id, stage, field, setting, methodName: name, caseDir, method: m.method, mode: mode ?? m.mode, args: m.args, members, iters, seed: studyRunSeed(seed),
            ...(priorsDir ? { prior: join(priorsDir, PRIOR_OF[field]) } : {}) });
        }
      }
    }
  }
  return out;
}

const STAGES: Record<string, () => Cell[]> = {
  core: () => cellsOf('core', 'benchmark', cases, ['standard'], ['ldim', 'ldim+refine', 'pixel', 'vae', 'pinn']),
  settings: () => cellsOf('settings', 'benchmark', cases, ['sensors16', 'noise5', 'tests4'], ['ldim']),
  informative: () => cellsOf('informative', 'benchmark', cases, ['informative'], ['ldim', 'ldim+refine', 'pixel', 'vae']),
  calibration: () => cellsOf('calibration', 'calibration', calibrationCases, ['standard'], ['ldim+refine'], 'rml'),
};
/** The exact-prior reference (not `ldinv invert` runs): gaussian cases of the core, informative and calibration stages. */
const REFERENCE_SETS = [
  { set: 'benchmark', setting: 'standard', count: cases },
  { set: 'benchmark', setting: 'informative', count: cases },
  { set: 'calibration', setting: 'standard', count: calibrationCases },
] as const;
const REFERENCE_ITERATIONS = 1000;
for (const s of stages) {
  if (!STAGES[s] && s !== 'reference') throw new Error(`--stages: unknown stage '${s}' (known: ${[...Object.keys(STAGES), 'reference'].join(', ')})`);
}

const results: StudyResults = { settings: { cases, calibrationCases, members, iters }, rows: [], calibration: [], figures: [] };
mkdirSync(outDir, { recursive: true });
const started = Date.now();
const studyRunDirs: string[] = [];

function figure(name: string, svg: { toSvg(): string }, caption: string): void {
  writeFileSync(join(outDir, name), svg.toSvg());
  results.figures.push({ file: relative(join(docPath, '..'), join(outDir, name)), caption });
}

function writeDocuments(stage: string): void {
  // From the runs' own session records, so that regenerating the documents keeps the figures.
  results.timing = studyTiming(studyRunDirs);
  writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(results, null, 1)}\n`);
  writeFileSync(docPath, resultsMarkdown(results));
  if (readmePath !== 'none') writeFileSync(readmePath, withReadmeResults(readFileSync(readmePath, 'utf8'), results));
  console.error(`reproduce: stage ${stage} written to ${docPath} and ${outDir}`);
}

for (const stage of stages) {
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
  const dirOf = (c: Cell) => join(runsRoot, 'runs', c.id);
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
