// A queue worker's local pools, one per kind of member it is asked to run (case, prior, method,
// options): the pool's threads load backend, case and prior once and keep them for every later member
// of that kind, as in local mode. Cases arrive in the job and are written once into a content-addressed
// cache; priors are looked up on this host and checked against the job's hash. Pools idle the longest
// are closed when more than `maxPools` kinds are in use.
import { join } from 'node:path';
import { writeCaseFiles } from '../member/content-hash.ts';
import { createLocalExecutor } from '../pool/create-executor.ts';
import type { Executor } from '../pool/executor.ts';
import type { WorkerConfig } from '../member/task.ts';
import { memberSettingsOf } from '@ldinv/runs';
import type { MemberJob } from './member-job.ts';
import { findPrior } from './prior-lookup.ts';

export interface LocalPoolsOptions {
  /** Threads per pool (per device process with `devices`). */
  workers: number;
  devices: string[] | null;
  /** Shared prior store searched first, or null. */
  priors: string | null;
  /** Cases from job payloads go to <cacheDir>/cases/<hash>/. */
  cacheDir: string;
  /** Pools kept at most (idle ones beyond it are closed). */
  maxPools: number;
}

interface PoolEntry {
  key: string;
  executor: Executor;
  config: WorkerConfig;
  busy: number;
  lastUsed: number;
}

export interface PoolLease {
  executor: Executor;
  config: WorkerConfig;
  release(): void;
}

export class LocalPools {
  private readonly pools = new Map<string, PoolEntry>();
  private readonly priorDirs = new Map<string, string>();
  private tick = 0;

  constructor(private readonly opts: LocalPoolsOptions) {}

  /** Slots of one pool: how many members it runs at once. */
  get slots(): number {
    return this.opts.workers * (this.opts.devices?.length ?? 1);
  }

  /** Writes the job's case files once (content-addressed, atomic, safe for several workers per host). */
  private caseDir(job: MemberJob): string {
    const dir = join(this.opts.cacheDir, 'cases', job.case.hash);
    writeCaseFiles(dir, job.case.files);
    return dir;
  }

  private priorDir(job: MemberJob): string | null {
    if (job.prior === null) return null;
    const id = `${job.prior.name}\n${job.prior.hash}`;
    let dir = this.priorDirs.get(id);
    if (dir === undefined) {
      dir = findPrior(job.prior, this.opts.priors);
      this.priorDirs.set(id, dir);
    }
    return dir;
  }

  /** A pool for this job's kind of member, created if needed; throws when its prior is not here. */
  acquire(job: MemberJob): PoolLease {
    const key = JSON.stringify([job.case.hash, job.prior?.hash ?? null, memberSettingsOf(job)]);
    let e = this.pools.get(key);
    if (e) {
      e.busy++;
    } else {
      const config: WorkerConfig = { caseDir: this.caseDir(job), prior: this.priorDir(job), ...memberSettingsOf(job) };
      e = { key, config, busy: 1, lastUsed: 0, executor: createLocalExecutor({ workers: this.opts.workers, devices: this.opts.devices, config }) };
      this.pools.set(key, e);
      this.evict();
    }
    e.lastUsed = ++this.tick;
    const entry = e;
    let released = false;
    return {
      executor: entry.executor, config: entry.config,
      release: () => {
        if (released) return;
        released = true;
        entry.busy--;
        this.evict();
      },
    };
  }

  private evict(): void {
    const idle = [...this.pools.values()].filter((p) => p.busy === 0).sort((a, b) => a.lastUsed - b.lastUsed);
    while (this.pools.size > this.opts.maxPools && idle.length > 0) {
      const p = idle.shift()!;
      this.pools.delete(p.key);
      void p.executor.close();
    }
  }

  get size(): number {
    return this.pools.size;
  }

  async close(): Promise<void> {
    const all = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(all.map((p) => p.executor.close()));
  }
}
