// `ldinv aggregate runs/NAME`: member records on disk -> ensemble/*.npy, figures/*.svg, summary.json
// and a self-contained report.html. Runs alone on any finished or interrupted run, and merges the
// shards of a job array: whatever members they have written so far, listing the ones still missing.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { caseProblem, isSite, readCase, writeNpy, type Case } from '@ldinv/fields';
import { readManifest } from '@ldinv/prior';
import { buildInversionProblem, inObservationOrder } from '@ldinv/optim';
import { DarcySystem, logKLevelFree, solveHeads } from '@ldinv/solver';
import { writeFileAtomic } from '@ldinv/tensor';
import { renderReport } from '../report/report-html.ts';
import { runFigures, type FigureCase } from '../report/run-figures.ts';
import { readJournal } from '../run-store/journal.ts';
import type { RunManifest, RunSession } from '../run-store/run-manifest.ts';
import { ENSEMBLE_FILES } from '../run-store/layout.ts';
import { RunStore } from '../run-store/run-store.ts';
import type { CellStats } from '../aggregate/cell-stats.ts';
import { aggregateMembers, type AggregateCase, type AggregateResult } from '../aggregate/ensemble.ts';
import { buildRunSummary } from '../aggregate/run-summary.ts';

export interface AggregateRunOptions {
  /** Overrides the run's --max-misfit. */
  maxMisfit?: number;
  /** ln K threshold of the probability map (default: midway between a bimaterial prior's materials). */
  threshold?: number;
}

/** The probability map's threshold: the option, else midway between the two materials of the run's
 *  bimaterial prior (or of the case's bimaterial generator), with the high material's volume fraction. */
export function thresholdOf(c: Case, priorDir: string | null, given?: number): AggregateCase['threshold'] {
  const fractionOf = (field: unknown) => {
    const f = field as { kind?: string; fraction?: number } | undefined;
    return f?.kind === 'bimaterial' && typeof f.fraction === 'number' ? f.fraction : null;
  };
  const prior = priorDir ? readManifest(priorDir) : null;
  if (given !== undefined) {
    return { value: given, source: '--threshold', highFraction: fractionOf(prior?.dataset.field) ?? fractionOf(c.field) };
  }
  if (prior?.phases) {
    const [low, high] = prior.phases;
    return { value: (low + high) / 2, source: `midway between the materials of prior ${prior.name} (${low}, ${high})`, highFraction: fractionOf(prior.dataset.field) };
  }
  if (c.field?.kind === 'bimaterial') {
    const { logKLow, logKHigh, fraction } = c.field;
    return { value: (logKLow + logKHigh) / 2, source: `midway between the case's materials (${logKLow}, ${logKHigh})`, highFraction: fraction };
  }
  return undefined;
}

export interface AggregateRunOutcome {
  reportPath: string;
  summaryPath: string;
  result: AggregateResult;
  files: string[];
  /** Members of the run with no record yet (shards still running or lost), ascending. */
  missing: number[];
}

/**
 * A sharded run's run.json is written once, by the first shard; its sessions, backend and status come
 * from the shards' journals and from which members are on disk.
 */
function mergeShards(manifest: RunManifest, store: RunStore, missing: number[]): RunManifest {
  const journals = store.shardJournals();
  if (manifest.shards === undefined && journals.length === 0) return manifest;
  const sessions: RunSession[] = [...manifest.sessions];
  let backend = manifest.backend;
  for (const path of journals) {
    for (const e of readJournal(path)) {
      if (e.type !== 'session') continue;
      sessions.push(e.session as RunSession);
      backend ??= (e.backend as string | null) ?? null;
    }
  }
  sessions.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  return { ...manifest, sessions, backend, status: missing.length === 0 ? 'complete' : 'incomplete' };
}

const STATS: (keyof CellStats)[] = ['mean', 'std', 'q05', 'q50', 'q95'];

/** What aggregation needs of a case (read from caseDir): observations, truth, and a forward model for the mean field. */
export function aggregateCaseOf(c: Case, caseDir: string): AggregateCase {
  const problem = buildInversionProblem(caseProblem(c), c.observations, join(caseDir, 'obs.csv'));
  const predict = (logK: Float64Array) => {
    const heads = solveHeads(problem.darcy, logK);
    return { heads, predicted: inObservationOrder(problem, problem.observations.map((o, t) => o.operator.apply(heads[t]))) };
  };
  return {
    grid: c.grid, tests: c.tests.length, observations: c.observations, predict, logKLevelFree: logKLevelFree(problem.darcy),
    ...(problem.cells.active ? { active: problem.cells.active } : {}),
    ...(c.truthLogK ? { truthLogK: c.truthLogK, truthHeads: c.truthHeads ?? solveHeads(problem.darcy, c.truthLogK) } : {}),
  };
}

/** What the figures need of a case: a site's geometry, its tests' wells and names. */
export function figureCaseOf(c: Case, aggCase: AggregateCase): FigureCase {
  const base = { observations: c.observations, tests: c.tests.length, truthLogK: c.truthLogK };
  if (!isSite(c)) return base;
  return {
    ...base,
    geometry: { domain: c.bc.domain, units: c.units?.length, active: aggCase.active },
    wells: c.tests.map((wells) => wells.map((w) => ({ x: w.x, y: w.y }))),
    testNames: c.testNames,
  };
}

export function aggregateRun(dir: string, opts: AggregateRunOptions = {}): AggregateRunOutcome {
  const store = RunStore.open(dir, { writable: true });
  const manifest = store.readManifest();
  const config = manifest.config;
  const maxMisfit = opts.maxMisfit ?? config.maxMisfit;
  if (!(maxMisfit > 0)) throw new Error(`--max-misfit must be > 0, got ${maxMisfit}`);
  const c = readCase(config.case);
  const aggCase = { ...aggregateCaseOf(c, config.case), threshold: thresholdOf(c, manifest.priorDir, opts.threshold) };
  // Records beyond the configured ensemble (none in a healthy run) are not this run's members.
  const records = store.readAllMembers().filter((r) => r.index < config.members);
  const result = aggregateMembers(records, aggCase, { maxMisfit });
  const present = new Set(records.map((r) => r.index));
  const missing = manifest.seeds.members.map((_, m) => m).filter((m) => !present.has(m));
  const run = mergeShards(manifest, store, missing);

  const { nx, ny } = c.grid;
  const files: string[] = [];
  mkdirSync(store.paths.ensemble, { recursive: true });
  mkdirSync(store.paths.figures, { recursive: true });
  const npy = (name: string, data: Float64Array, shape: number[]) => {
    const path = join(store.paths.ensemble, name);
    writeNpy(path, data, shape);
    files.push(path);
  };
  if (result.logK && result.heads) {
    for (const s of STATS) npy(ENSEMBLE_FILES.logK(s), result.logK[s], [ny, nx]);
    result.heads.forEach((h, t) => STATS.forEach((s) => npy(`head_t${t}_${s}.npy`, h[s], [ny, nx])));
    const byIndex = new Map(records.map((r) => [r.index, r]));
    const stack = new Float64Array(result.included.length * nx * ny);
    result.included.forEach((m, k) => {
      const r = byIndex.get(m)!;
      if (r.status === 'done') stack.set(r.logK, k * nx * ny);
    });
    npy('logk_members.npy', stack, [result.included.length, ny, nx]);
    if (result.robustness?.probability) npy(ENSEMBLE_FILES.aboveThreshold, result.robustness.probability, [ny, nx]);
    if (result.chains?.rHatMap) npy('logk_rhat.npy', result.chains.rHatMap, [ny, nx]);
  }
  const figures = runFigures(result, records, figureCaseOf(c, aggCase), maxMisfit);
  for (const f of figures) {
    const path = join(store.paths.figures, f.file);
    writeFileAtomic(path, f.svg);
    files.push(path);
  }
  // The budget of the mean field: what a modeller checks first (where the water comes from and goes).
  const meanSystem = result.logK ? new DarcySystem(caseProblem(c), result.logK.mean) : null;
  const budgets = meanSystem
    ? meanSystem.budget(meanSystem.heads()).map((budget, t) => ({ test: c.testNames ? `${t} (${c.testNames[t]})` : String(t), budget }))
    : [];
  const rateUnit = c.units ? `${c.units.length}^3/${c.units.time}` : undefined;
  const summary = buildRunSummary({
    run, result, maxMisfit, missing, budgets, rateUnit,
    ensembleFiles: files.filter((f) => f.endsWith('.npy')).map((f) => f.slice(store.paths.dir.length + 1)),
    figures: figures.map((f) => `figures/${f.file}`),
  });
  writeFileAtomic(store.paths.summary, `${JSON.stringify(summary, null, 2)}\n`);
  writeFileAtomic(store.paths.report, renderReport({ manifest: run, result, figures, maxMisfit, missing, budgets, rateUnit }));
  store.journal({ type: 'aggregated', included: result.included.length, excluded: result.excluded.length, failed: result.failed.length, missing: missing.length });
  return { reportPath: store.paths.report, summaryPath: store.paths.summary, result, files, missing };
}
