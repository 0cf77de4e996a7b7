// run.json: the full configuration, versions, backend, seeds and timings of a run; rewritten
// atomically whenever its status changes (never by a shard: shards journal their sessions instead).
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '@ldinv/tensor';
import type { InvertConfig } from './run-config.ts';

/** 'incomplete': a sharded run aggregated while members are still missing. */
export type RunStatus = 'running' | 'complete' | 'interrupted' | 'failed' | 'incomplete';

/**
 * What one process that ran members loaded: a device process (`device` = its --devices id), the local
 * pool of the orchestrator (`device` null), or a queue worker's pool. Recorded so a run says which
 * TensorFlow build did the work (tfjs-node-gpu and tfjs-node both call their backend 'tensorflow').
 */
export interface BackendRecord {
  /** `host:pid` of the process. */
  process: string;
  /** The --devices id this process was started for; null for a pool without devices. */
  device: string | null;
  /** tfjs backend name: 'tensorflow' | 'wasm' | 'cpu'. */
  backend: string;
  /** npm package that provides it, e.g. '@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-backend-wasm'. */
  package: string;
  /** Installed version of that package; null when its package.json could not be read. */
  version: string | null;
  /** True only for the GPU build of TensorFlow (@tensorflow/tfjs-node-gpu). */
  gpu: boolean;
  /** CUDA_VISIBLE_DEVICES in that process, null when unset. */
  visibleDevices: string | null;
  /** Threads that run members in this process (1 for native TensorFlow: its binding is loaded once). */
  threads: number;
}

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
  /** Redis URL (password hidden) when the members went through a queue; absent for a local pool. */
  queue?: string;
  /** 'I/N' when this session was shard I of N of a job array. */
  shard?: string;
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
  /** One entry per process that ran (or was started to run) members this session. Absent in
   *  sessions written before it was recorded. */
  backends?: BackendRecord[];
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
  /** sha256 of the prior's manifest.json + model.json + weights.bin (null without a prior); queue
   *  workers refuse a prior with another hash. */
  priorHash: string | null;
  /** Unique name of this run (`<id>-<8 hex>`): queue job ids are `<runKey>/<member>`. */
  runKey: string;
  /** Set when the run was created by a shard of an N-way job array: shards journal, never rewrite run.json. */
  shards?: number;
  /** Package versions (node, ldinv libs, tfjs, pool libraries). */
  versions: Record<string, string>;
  /** Backend the workers actually use, as @ldinv/tensor reports it; null until one has started. The
   *  first worker's name only: `backends` says which package, per process. */
  backend: string | null;
  /** The latest session's `backends` (per process: package, version, GPU build, visible device).
   *  Absent in runs written before it was recorded. */
  backends?: BackendRecord[];
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

export function formatRunManifest(manifest: RunManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export function writeRunManifest(path: string, manifest: RunManifest): void {
  writeFileAtomic(path, formatRunManifest(manifest));
}
