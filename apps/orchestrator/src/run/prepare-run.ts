// Turns an invocation into a run directory ready to execute: a new run, or a resume that checks the
// numbers cannot change (same numerical options, same case data) and plans only the missing members.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { RunStore } from '../run-store/run-store.ts';
import type { RunManifest } from '../run-store/run-manifest.ts';
import { METHODS_WITH_PRIOR, NUMERICAL_KEYS, type InvertConfig } from './config.ts';
import { memberSeed } from './plan.ts';
import { validateCase, validateInvert, type ValidatedCase } from './validate.ts';
import { packageVersions } from './versions.ts';


export interface PreparedRun {
  store: RunStore;
  manifest: RunManifest;
  caseInfo: ValidatedCase;
  /** Members this invocation runs, ascending. */
  planned: number[];
  resumed: boolean;
}

function caseHash(dir: string): string {
  const h = createHash('sha256');
  for (const f of ['case.json', 'obs.csv']) h.update(readFileSync(join(dir, f)));
  return h.digest('hex');
}

/** A new run. `config.prior` undefined = take the case's prior for methods that need one. */
export function prepareNewRun(out: string, config: Omit<InvertConfig, 'prior'> & { prior?: string | null }): PreparedRun {
  const caseInfo = validateCase(config.case);
  // An explicit --prior is always checked and recorded; the case's prior only matters to methods that decode.
  const prior = config.prior ?? (METHODS_WITH_PRIOR.includes(config.method) ? (caseInfo.data.prior ?? null) : null);
  const full: InvertConfig = { ...config, case: caseInfo.dir, prior };
  const priorDir = validateInvert(full, caseInfo);
  const seeds = Array.from({ length: full.members }, (_, m) => memberSeed(full.seed, m));
  const manifest: RunManifest = {
    version: 1, id: basename(resolve(out)), status: 'running', config: full, caseName: caseInfo.name,
    caseHash: caseHash(caseInfo.dir), priorDir, versions: packageVersions(), backend: null,
    seeds: { run: full.seed, members: seeds }, createdAt: new Date().toISOString(), sessions: [],
    counts: { members: full.members, done: 0, failed: 0 },
  };
  const store = RunStore.create(out, manifest);
  return { store, manifest, caseInfo, planned: seeds.map((_, m) => m), resumed: false };
}

/**
 * Resume: numerical options given on the command line must equal the run's; execution options given
 * there replace the stored ones. Members without a 'done' record run again (failed ones included).
 */
export function prepareResume(out: string, overrides: Partial<InvertConfig>): PreparedRun {
  const store = RunStore.open(out, { writable: true });
  const manifest = store.readManifest();
  for (const key of NUMERICAL_KEYS) {
    const given = overrides[key];
    if (given === undefined) continue;
    const stored = manifest.config[key];
    const same = key === 'case' ? resolve(String(given)) === stored : given === stored;
    if (!same) throw new Error(`${store.paths.runJson}: --${key} ${String(given)} differs from the run's ${String(stored)}; a resume cannot change the numbers`);
  }
  const { case: _c, prior: _p, method: _m, mode: _mo, members: _n, iters: _i, seed: _s, backend: _b, ...execution } = overrides;
  const config: InvertConfig = { ...manifest.config, ...execution };
  const caseInfo = validateCase(config.case);
  if (caseHash(caseInfo.dir) !== manifest.caseHash) {
    throw new Error(`${caseInfo.dir}: case.json or obs.csv changed since the run started; start a new run instead of resuming`);
  }
  validateInvert(config, caseInfo);
  store.clearTemporaries();
  const statuses = store.memberStatuses();
  const planned = manifest.seeds.members.map((_, m) => m).filter((m) => statuses.get(m) !== 'done');
  manifest.config = config;
  manifest.status = 'running';
  delete manifest.reason;
  return { store, manifest, caseInfo, planned, resumed: true };
}
