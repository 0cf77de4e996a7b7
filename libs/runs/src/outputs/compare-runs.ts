// `ldinv compare RUN...`: one case inverted by several methods or modes, side by side. The numbers are
// each run's summary.json (written by aggregation, so the comparison and the runs' reports agree); the
// maps are their ensemble/*.npy, one row per quantity on one colour range, so equal colours mean equal
// values across runs. Writes compare.html, the figures and compare.json into --out.
import { join } from 'node:path';
import { readCase, readNpy } from '@ldinv/fields';
import { writeFileAtomic } from '@ldinv/tensor';
import { aggregateCaseOf, figureCaseOf } from './aggregate-run.ts';
import { readRunSummary, type RunSummary } from '../aggregate/run-summary.ts';
import { renderMosaic, type MosaicTile } from '../figures/mosaic.ts';
import { ENSEMBLE_FILES } from '../run-store/layout.ts';
import type { RunManifest } from '../run-store/run-manifest.ts';
import { ensureWritableDir, RunStore } from '../run-store/run-store.ts';
import { escapeHtml, figureGallery, fmt, htmlPage } from '../report/report-html.ts';
import type { Figure } from '../report/run-figures.ts';

/** A member fits the data at χ²/M ≤ this: the noise level with 50 % slack (the studies' criterion). */
export const FIT_MISFIT = 1.5;

/** One run's row of the comparison; every number is its summary.json's (null where it has none). */
export interface ComparedRun {
  dir: string;
  run: string;
  method: string;
  mode: string;
  members: { requested: number; included: number };
  /** Relative L2 error of the ensemble-mean ln K. */
  relL2LogK: number | null;
  /** Misclassified share of the ensemble mean (two-valued truth). */
  misclassified: number | null;
  /** Share of cells whose true ln K lies in the members' 5–95 % range. */
  coverage90LogK: number | null;
  /** Ensemble spread over RMSE of the mean, ln K (1 = calibrated). */
  spreadSkillLogK: number | null;
  threshold: number | null;
  brierSkill: number | null;
  /** Largest |observed − predicted| of the probability map's judged reliability bins. */
  reliabilityGap: number | null;
  modes: number | null;
  /** Share of finished members with χ²/M ≤ FIT_MISFIT. */
  fitShare: number | null;
}

export interface ComparisonOutcome {
  htmlPath: string;
  jsonPath: string;
  runs: ComparedRun[];
}

interface OpenedRun {
  dir: string;
  manifest: RunManifest;
  summary: RunSummary;
  store: RunStore;
}

function comparedRun({ dir, summary: s }: OpenedRun): ComparedRun {
  const finished = s.memberTable.filter((r) => r.misfit !== null);
  const r = s.robustness;
  return {
    dir, run: s.run, method: s.method, mode: s.mode,
    members: { requested: s.members.requested, included: s.members.included },
    relL2LogK: s.ensemble?.mean.relL2LogK ?? null,
    misclassified: s.ensemble?.mean.misclassified ?? null,
    coverage90LogK: s.ensemble?.coverage90LogK?.empirical ?? null,
    spreadSkillLogK: s.ensemble?.spreadSkillLogK?.ratio ?? null,
    threshold: r?.threshold?.value ?? null,
    brierSkill: r?.brierSkill ?? null,
    reliabilityGap: r?.reliability?.maxGap ?? null,
    modes: r ? r.modes.length : null,
    fitShare: finished.length > 0 ? finished.filter((m) => m.misfit! <= FIT_MISFIT).length / finished.length : null,
  };
}

/** The runs, refused unless they invert one case (the same case.json and obs.csv, by run.json's hash). */
function openRuns(dirs: readonly string[]): OpenedRun[] {
  if (dirs.length < 2) throw new Error(`compare needs at least two runs, got ${dirs.length}`);
  const opened = dirs.map((dir) => {
    const store = RunStore.open(dir, { writable: false });
    return { dir, store, manifest: store.readManifest() };
  });
  const [first] = opened;
  for (const o of opened.slice(1)) {
    if (o.manifest.caseHash !== first.manifest.caseHash) {
      throw new Error(`${o.store.paths.runJson}: case ${o.manifest.config.case} differs from the case of ${first.dir} (${first.manifest.config.case}): their case.json/obs.csv hashes differ; compare runs of one case`);
    }
  }
  return opened.map((o) => ({ ...o, summary: readRunSummary(o.store.paths.summary, o.dir) }));
}

const tileLabel = (k: number, s: RunSummary) => `${k + 1}: ${s.method} ${s.mode}`;

/** Mean, std and P(ln K > threshold) of every run, one figure per quantity with the runs in a row. */
function comparisonFigures(runs: readonly OpenedRun[]): Figure[] {
  const caseDir = runs[0].manifest.config.case;
  const c = readCase(caseDir);
  const { nx, ny } = c.grid;
  const fc = figureCaseOf(c, aggregateCaseOf(c, caseDir));
  const marks = { sensors: c.observations.map((o) => ({ x: o.x, y: o.y })), geometry: fc.geometry };
  const field = (o: OpenedRun, file: string) => readNpy(join(o.store.paths.ensemble, file)).data;
  const withMaps = runs.map((o, k) => ({ o, k })).filter(({ o }) => o.summary.members.included > 0);
  const row = (pick: (o: OpenedRun) => string | null) =>
    withMaps.flatMap(({ o, k }) => {
      const file = pick(o);
      return file === null ? [] : [{ values: field(o, file), label: tileLabel(k, o.summary) }];
    });
  const out: Figure[] = [];
  const add = (file: string, caption: string, tiles: MosaicTile[], opts: Parameters<typeof renderMosaic>[3]) => {
    if (tiles.length > 0) out.push({ file, caption, svg: renderMosaic(tiles, nx, ny, { ...marks, ...opts, columns: tiles.length }).toSvg() });
  };
  const truth = c.truthLogK ? [{ values: c.truthLogK, label: 'truth' }] : [];
  add('compare_logk_mean.svg', 'Ensemble mean of ln K of each run (numbered as in the table), on one colour range.',
    [...truth, ...row(() => ENSEMBLE_FILES.logK('mean'))], { title: 'mean ln K', barLabel: 'ln K' });
  add('compare_logk_std.svg', 'Ensemble standard deviation of ln K of each run, on one colour range.',
    row(() => ENSEMBLE_FILES.logK('std')), { title: 'σ of ln K', barLabel: 'σ ln K', colormap: 'magma' });
  add('compare_logk_above_threshold.svg', "P(ln K > threshold) of each run (each run's threshold is in the table).",
    row((o) => (o.summary.robustness?.probabilityFile ? ENSEMBLE_FILES.aboveThreshold : null)), { title: 'P(ln K > threshold)', barLabel: 'probability', range: { min: 0, max: 1 } });
  return out;
}

const COLUMNS: [string, (r: ComparedRun) => string][] = [
  ['run', (r) => r.run], ['method', (r) => r.method], ['mode', (r) => r.mode],
  ['members (included / requested)', (r) => `${r.members.included} / ${r.members.requested}`],
  ['ensemble-mean ln K error (rel. L2)', (r) => fmt(r.relL2LogK)], ['misclassified', (r) => fmt(r.misclassified)],
  ['90 % coverage of true ln K', (r) => fmt(r.coverage90LogK)], ['spread / skill ln K', (r) => fmt(r.spreadSkillLogK)],
  ['threshold', (r) => fmt(r.threshold)], ['Brier skill', (r) => fmt(r.brierSkill)],
  ['reliability: max |obs − pred|', (r) => fmt(r.reliabilityGap)], ['modes', (r) => (r.modes === null ? '–' : String(r.modes))],
  [`members with χ²/M ≤ ${FIT_MISFIT}`, (r) => fmt(r.fitShare)],
];

function comparisonTable(runs: readonly ComparedRun[]): string {
  const head = ['#', ...COLUMNS.map(([h]) => h)];
  const body = runs.map((r, k) => [String(k + 1), ...COLUMNS.map(([, cell]) => cell(r))]);
  return `<table id="compare"><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${body
    .map((cells) => `<tr>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

export function compareRuns(dirs: readonly string[], out: string): ComparisonOutcome {
  const opened = openRuns(dirs);
  ensureWritableDir(out);
  const runs = opened.map(comparedRun);
  const figures = comparisonFigures(opened);
  for (const f of figures) writeFileAtomic(join(out, f.file), f.svg);
  const { caseName, caseHash } = opened[0].manifest;
  const jsonPath = join(out, 'compare.json');
  writeFileAtomic(jsonPath, `${JSON.stringify({ case: caseName, caseHash, fitMisfit: FIT_MISFIT, runs, figures: figures.map((f) => f.file) }, null, 2)}\n`);
  const htmlPath = join(out, 'compare.html');
  const body = `<h1>ldinv comparison: case ${escapeHtml(caseName)}</h1>
<p>${runs.length} runs of case <b>${escapeHtml(caseName)}</b> (data hash ${escapeHtml(caseHash.slice(0, 12))}); every number is the run's summary.json.
Coverage and spread/skill need 2 or more members in the statistics; the threshold is each run's probability-map threshold.</p>
${comparisonTable(runs)}
<h2>Maps</h2>
${figureGallery(figures)}`;
  writeFileAtomic(htmlPath, htmlPage(`ldinv comparison: ${caseName}`, body));
  return { htmlPath, jsonPath, runs };
}
