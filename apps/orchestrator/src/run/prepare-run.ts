// Turns an invocation into a run directory ready to execute: a new run, a resume that checks the
// numbers cannot change (same numerical options, same case and prior data) and plans only the missing
// members, or a shard of a job array that creates the run or joins it and plans its own members.
import { randomBytes } from 'node:crypto';
import { basename, resolve } from 'node:path';
import { caseHash, priorHash } from '../member/content-hash.ts';
import { RunStore, type RunManifest, METHODS_WITH_PRIOR, NUMERICAL_KEYS, optionName, type InvertConfig, memberSeed, inShard, shardLabel, type Shard } from '@ldinv/runs';
import { resolveInitLogK, validateCase, validateInvert, type ValidatedCase } from './validate.ts';
import { packageVersions } from './versions.ts';

export interface PreparedRun {
  store: RunStore;
  manifest: RunManifest;
  caseInfo: ValidatedCase;
  /** Members this invocation runs, ascending. */
  planned: number[];
  resumed: boolean;
  /** Set when this process is one shard of a job array: it journals and never rewrites run.json. */
  shard: Shard | null;
}

export type NewRunConfig = Omit<InvertConfig, 'prior' | 'initLogK'> & { prior?: string | null; initLogK?: number | null };

/**
 * The run a new invocation describes. `config.prior` undefined = the case's prior for methods that need
 * one; `config.initLogK` undefined or null = resolveInitLogK's default, resolved here, once, so run.json
 * holds the number every worker starts from.
 */
function newManifest(out: string, config: NewRunConfig): { manifest: RunManifest; caseInfo: ValidatedCase } {
  const caseInfo = validateCase(config.case);
  // An explicit --prior is always checked and recorded; the case's prior only matters to methods that decode.
  const prior = config.prior ?? (METHODS_WITH_PRIOR.includes(config.method) ? (caseInfo.data.prior ?? null) : null);
  const full: InvertConfig = { ...config, case: caseInfo.dir, prior, initLogK: config.initLogK ?? 0 };
  const priorDir = validateInvert(full, caseInfo);
  full.initLogK = resolveInitLogK(full.method, config.initLogK, config.prior ?? caseInfo.data.prior);
  const seeds = Array.from({ length: full.members }, (_, m) => memberSeed(full.seed, m));
  const id = basename(resolve(out));
  const manifest: RunManifest = {
    version: 1, id, runKey: `${id.replace(/[^A-Za-z0-9._-]/g, '_')}-${randomBytes(4).toString('hex')}`, status: 'running',
    config: full, caseName: caseInfo.name, caseHash: caseHash(caseInfo.dir), priorDir,
    priorHash: priorDir === null ? null : priorHash(priorDir), versions: packageVersions(), backend: null,
    seeds: { run: full.seed, members: seeds }, createdAt: new Date().toISOString(), sessions: [],
    counts: { members: full.members, done: 0, failed: 0 },
  };
  return { manifest, caseInfo };
}

export function prepareNewRun(out: string, config: NewRunConfig): PreparedRun {
  const { manifest, caseInfo } = newManifest(out, config);
  const store = RunStore.create(out, manifest);
  return { store, manifest, caseInfo, planned: manifest.seeds.members.map((_, m) => m), resumed: false, shard: null };
}

/** Throws unless every numerical option in `given` equals the run's. */
function checkSameNumbers(manifest: RunManifest, given: Partial<InvertConfig>, runJson: string, why: string): void {
  const { config } = manifest;
  for (const key of NUMERICAL_KEYS) {
    const value = given[key];
    if (value === undefined) continue;
    const stored = config[key];
    const same = key === 'case' ? resolve(String(value)) === stored : value === stored;
    if (!same) throw new Error(`${runJson}: --${optionName(key)} ${String(value)} differs from the run's ${String(stored)}; ${why}`);
  }
}

/**
 * Resume: numerical options given on the command line must equal the run's; execution options given
 * there replace the stored ones. Members without a 'done' record run again (failed ones included);
 * with a shard, only the shard's own members.
 */
export function prepareResume(out: string, overrides: Partial<InvertConfig>, shard: Shard | null = null): PreparedRun {
  const store = RunStore.open(out, { writable: true, shard });
  const manifest = store.readManifest();
  const why = shard ? 'every shard must run the same numbers' : 'a resume cannot change the numbers';
  checkSameNumbers(manifest, overrides, store.paths.runJson, why);
  if (shard && manifest.shards !== undefined && manifest.shards !== shard.count) {
    throw new Error(`${store.paths.runJson}: the run is split in ${manifest.shards} shards, got --shard ${shardLabel(shard)}`);
  }
  const { case: _c, prior: _p, method: _m, mode: _mo, members: _n, iters: _i, param: _pa, refine: _r, initLogK: _y, seed: _s, backend: _b, ...execution } = overrides;
  const config: InvertConfig = { ...manifest.config, ...execution };
  const caseInfo = validateCase(config.case);
  if (caseHash(caseInfo.dir) !== manifest.caseHash) {
    throw new Error(`${caseInfo.dir}: the case's data (case.json, obs.csv or a site's arrays) changed since the run started; start a new run instead of resuming`);
  }
  const priorDir = validateInvert(config, caseInfo);
  if (priorDir !== null && manifest.priorHash && priorHash(priorDir) !== manifest.priorHash) {
    throw new Error(`${priorDir}: the prior's files changed since the run started (content hash differs); start a new run instead of resuming`);
  }
  const owns = (m: number) => shard === null || inShard(m, shard);
  store.clearTemporaries(owns);
  const statuses = store.memberStatuses();
  const planned = manifest.seeds.members.map((_, m) => m).filter((m) => owns(m) && statuses.get(m) !== 'done');
  manifest.config = config;
  manifest.status = 'running';
  delete manifest.reason;
  return { store, manifest, caseInfo, planned, resumed: true, shard };
}

/**
 * Shard I of N: the first shard to arrive creates run.json (atomically: link, never replace); every
 * shard then checks that the run on disk is the one its own options describe, defaults included,
 * and plans its members (index ≡ I mod N) that have no 'done' record, so a requeued shard resumes.
 */
export function prepareShard(out: string, config: NewRunConfig, shard: Shard): PreparedRun {
  const { manifest } = newManifest(out, config);
  manifest.shards = shard.count;
  RunStore.createOrJoin(out, manifest);
  const existing = RunStore.open(out, { writable: false });
  const runJson = existing.paths.runJson;
  const stored = existing.readManifest();
  const why = 'every shard must run the same numbers';
  checkSameNumbers(stored, manifest.config, runJson, why);
  if (stored.caseHash !== manifest.caseHash) throw new Error(`${runJson}: the run's case data (case.json, obs.csv, a site's arrays) differs from ${manifest.config.case}; ${why}`);
  if (stored.priorHash !== manifest.priorHash) throw new Error(`${runJson}: the run's prior differs from ${manifest.priorDir} (content hash); ${why}`);
  return prepareResume(out, manifest.config, shard);
}
