// summary.json: what aggregation found, as numbers. One builder (aggregateRun writes it) and one reader
// (ldinv compare reads it), so the record has one shape.
import { existsSync, readFileSync } from 'node:fs';
import type { WaterBudget } from '@ldinv/solver';
import { ENSEMBLE_FILES, ENSEMBLE_DIR } from '../run-store/layout.ts';
import type { RunManifest } from '../run-store/run-manifest.ts';
import type { AggregateResult } from './ensemble.ts';
import { RELIABILITY_MIN_SHARE, RELIABILITY_TOLERANCE } from './robustness.ts';

export interface SummaryInput {
  /** run.json with the shards' sessions and status merged in. */
  run: RunManifest;
  result: AggregateResult;
  maxMisfit: number;
  missing: number[];
  budgets: { test: string; budget: WaterBudget }[];
  rateUnit: string | undefined;
  /** Files written, relative to the run directory. */
  ensembleFiles: string[];
  figures: string[];
}

/** The robustness figures: modes without their maps, the probability map by file, its reliability. */
function robustnessSummary(result: AggregateResult) {
  const r = result.robustness;
  if (!r) return null;
  return {
    modeRule: r.modes.rule, silhouette: r.modes.silhouette,
    modes: r.modes.modes.map((m, k) => ({ weight: m.weight, members: m.members, medoid: m.medoid, meanMisfit: m.meanMisfit, relL2LogK: r.modeErrors[k] })),
    threshold: r.threshold, probabilityFile: r.probability ? `${ENSEMBLE_DIR}/${ENSEMBLE_FILES.aboveThreshold}` : null,
    brier: r.brier, brierSkill: r.brierSkill, errorCv: r.errorCv,
    reliability: r.reliability ? { minShare: RELIABILITY_MIN_SHARE, tolerance: RELIABILITY_TOLERANCE, ...r.reliability } : null,
  };
}

export function buildRunSummary({ run, result, maxMisfit, missing, budgets, rateUnit, ensembleFiles, figures }: SummaryInput) {
  const config = run.config;
  return {
    run: run.id, case: run.caseName, status: run.status, method: config.method, mode: config.mode,
    backend: run.backend, maxMisfit,
    members: {
      requested: config.members, done: result.rows.filter((r) => r.status !== 'failed').length,
      included: result.included.length, excluded: result.excluded.length, failed: result.failed.length,
      missing: config.members - result.rows.length,
    },
    included: result.included, excluded: result.excluded, failed: result.failed, missing,
    ensemble: result.metrics, logKLevelSpread: result.logKLevelSpread,
    robustness: robustnessSummary(result),
    chains: result.chains ? (({ rHatMap: _map, ...numbers }) => numbers)(result.chains) : null,
    waterBudget: budgets.length > 0 ? { rateUnit: rateUnit ?? null, tests: budgets } : null,
    memberTable: result.rows,
    ensembleFiles,
    figures,
    sessions: run.sessions,
  };
}

/** summary.json as written (JSON turns NaN into null). */
export type RunSummary = ReturnType<typeof buildRunSummary>;

/** Reads a run's summary.json; `dir` names the run in the error. */
export function readRunSummary(path: string, dir: string): RunSummary {
  if (!existsSync(path)) throw new Error(`${path}: no summary (the run was not aggregated): run ldinv aggregate ${dir}`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as RunSummary;
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message})`);
  }
}
