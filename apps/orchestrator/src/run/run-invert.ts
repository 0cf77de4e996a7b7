// Executes a prepared run: starts the executor (thread pool or device processes), schedules the
// planned members, journals every event, and closes run.json with the outcome and timings.
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { DeviceExecutor } from '../pool/device-executor.ts';
import type { Executor } from '../pool/executor.ts';
import type { WorkerConfig } from '../pool/task.ts';
import { ThreadPoolExecutor } from '../pool/thread-pool.ts';
import type { RunSession, RunStatus } from '../run-store/run-manifest.ts';
import { METHODS_WITH_PRIOR } from './config.ts';
import { RunEvents, type RunListener } from './events.ts';
import type { PreparedRun } from './prepare-run.ts';
import { runScheduled, type ScheduleResult } from './scheduler.ts';

export interface ExecuteOptions {
  /** Observers besides the journal (terminal view, --json printer). */
  listeners?: RunListener[];
  /** Abort = graceful stop (Ctrl-C): finished members stay, run.json says interrupted. */
  signal?: AbortSignal;
}

export interface ExecuteOutcome {
  status: RunStatus;
  schedule: ScheduleResult;
  wallMs: number;
}

export function workerConfigOf(run: PreparedRun): WorkerConfig {
  const c = run.manifest.config;
  const prior = METHODS_WITH_PRIOR.includes(c.method) ? run.manifest.priorDir : null;
  return { caseDir: c.case, prior, method: c.method, mode: c.mode, iters: c.iters, backend: c.backend };
}

function createExecutor(run: PreparedRun): Executor {
  const { workers, devices } = run.manifest.config;
  const config = workerConfigOf(run);
  return devices ? new DeviceExecutor({ devices, workers, config }) : new ThreadPoolExecutor({ workers, config });
}

export async function executeRun(run: PreparedRun, opts: ExecuteOptions = {}): Promise<ExecuteOutcome> {
  const { store, manifest } = run;
  const config = manifest.config;
  const events = new RunEvents();
  events.on((e) => {
    // Per-iteration progress lives in the member records' histories; the journal keeps milestones.
    if (e.type !== 'progress') store.journal(e);
  });
  for (const l of opts.listeners ?? []) events.on(l);
  const session: RunSession = {
    startedAt: new Date().toISOString(), status: 'running', planned: run.planned, workers: config.workers,
    batch: config.batch, devices: config.devices, host: hostname(), pid: process.pid,
  };
  manifest.sessions.push(session);
  manifest.status = 'running';
  store.writeManifest(manifest);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  events.emit({
    type: 'run-start', run: store.paths.dir, members: config.members, planned: run.planned, resumed: run.resumed,
    workers: config.workers, devices: config.devices,
  });

  const signal = opts.signal ?? new AbortController().signal;
  let schedule: ScheduleResult = {
    done: [], failed: [], interrupted: false, backend: null, overheadMs: 0, taskMs: 0, workerInitMs: 0,
  };
  // A resume of a finished run has nothing to plan: no workers to start.
  if (run.planned.length > 0) {
    const executor = createExecutor(run);
    try {
      schedule = await runScheduled({
        executor, events, signal, batch: config.batch, maxAttempts: config.maxAttempts,
        members: run.planned.map((index) => ({ index, seed: manifest.seeds.members[index] })),
        persist: (record) => store.writeMember(record),
      });
    } finally {
      await executor.close();
    }
  }
  const wallMs = performance.now() - t0;
  const statuses = store.memberStatuses();
  const done = [...statuses.values()].filter((s) => s === 'done').length;
  const failed = [...statuses.values()].filter((s) => s === 'failed').length;
  const status: RunStatus = schedule.interrupted ? 'interrupted' : done + failed === config.members ? 'complete' : 'failed';
  Object.assign(session, {
    endedAt: new Date().toISOString(), wallMs, status, peakRssMiB: process.resourceUsage().maxRSS / 1024,
    cpuMs: ((c) => (c.user + c.system) / 1000)(process.cpuUsage(cpu0)),
    overheadMs: schedule.overheadMs, taskMs: schedule.taskMs, workerInitMs: schedule.workerInitMs,
  });
  manifest.status = status;
  manifest.backend = schedule.backend ?? manifest.backend;
  manifest.counts = { members: config.members, done, failed };
  if (status === 'interrupted') manifest.reason = 'interrupted (signal); resume with --resume';
  else if (status === 'failed') manifest.reason = `${config.members - done - failed} members have no record`;
  store.writeManifest(manifest);
  events.emit({ type: 'run-end', status, done, failed, wallMs, ...(manifest.reason ? { reason: manifest.reason } : {}) });
  return { status, schedule, wallMs };
}
