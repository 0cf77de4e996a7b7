// run.json: the full configuration, versions, backend, seeds and timings of a run; rewritten
// atomically whenever its status changes.
import { existsSync, readFileSync } from 'node:fs';
import type { InvertConfig } from '../run/config.ts';
import { writeFileAtomic } from './atomic-write.ts';

export type RunStatus = 'running' | 'complete' | 'interrupted' | 'failed';

/** One invocation of `ldinv invert` on this run dir (the first run, then each resume). */
export interface RunSession {
  startedAt: string;
  endedAt?: string;
  wallMs?: number;
  status: RunStatus;
  /** Members this session set out to run. */
  planned: number[];
  workers: number;
  batch: number;
  devices: string[] | null;
  host: string;
  pid: number;
  /** Peak resident set size of the orchestrator process (includes its worker threads), MiB. */
  peakRssMiB?: number;
  /** CPU time (user + system) of the orchestrator process and its threads over the session, ms. */
  cpuMs?: number;
  /** Pool overhead of this session: dispatch + transfer + persistence, ms summed over tasks. */
  overheadMs?: number;
  /** Sum of the tasks' in-worker wall times, ms. */
  taskMs?: number;
  /** Sum of one-time worker initialisations (backend, case, prior), ms. */
  workerInitMs?: number;
}

export interface RunManifest {
  version: 1;
  id: string;
  status: RunStatus;
  config: InvertConfig;
  caseName: string;
  /** sha256 of case.json + obs.csv: a resume must see the same data. */
  caseHash: string;
  /** Resolved directory of the prior, null for methods without one. */
  priorDir: string | null;
  /** Package versions (node, ldinv libs, tfjs, pool libraries). */
  versions: Record<string, string>;
  /** Backend the workers actually use, as @ldinv/tensor reports it; null until one has started. */
  backend: string | null;
  seeds: { run: number; members: number[] };
  createdAt: string;
  sessions: RunSession[];
  counts: { members: number; done: number; failed: number };
  /** Why the run stopped early (interrupted, failed). */
  reason?: string;
}

export function readRunManifest(path: string): RunManifest {
  if (!existsSync(path)) throw new Error(`${path}: no run here (run.json missing)`);
  let value: RunManifest;
  try {
    value = JSON.parse(readFileSync(path, 'utf8')) as RunManifest;
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message})`);
  }
  if (value.version !== 1 || typeof value.config !== 'object') {
    throw new Error(`${path}: run.json version must be 1 with a config, got version ${String(value.version)}`);
  }
  return value;
}

export function writeRunManifest(path: string, manifest: RunManifest): void {
  writeFileAtomic(path, `${JSON.stringify(manifest, null, 2)}\n`);
}
