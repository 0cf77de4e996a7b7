// Executes a prepared run: starts the executor (thread pool, device processes, or a queue that workers
// on any host serve), schedules the planned members, journals every event, and closes run.json with the
// outcome and timings (a shard journals its session instead: run.json is shared and written once).
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { caseFilesHash, readCaseFiles } from '../member/content-hash.ts';
import { createLocalExecutor } from '../pool/create-executor.ts';
import { DeviceExecutor } from '../pool/device-executor.ts';
import type { Executor } from '../pool/executor.ts';
import type { WorkerConfig } from '../member/task.ts';
import type { MemberJobContext } from '../queue/member-job.ts';
import type { QueueLink } from '../queue/queue-executor.ts';
import { type BackendRecord, type RunSession, type RunStatus, memberSettingsOf, METHODS_WITH_PRIOR, inShard, shardLabel } from '@ldinv/runs';
import { RunEvents, type RunListener } from './events.ts';
import type { PreparedRun } from './prepare-run.ts';
import { runScheduled, type ScheduleResult } from './scheduler.ts';

export interface ExecuteOptions {
  /** Observers besides the journal (terminal view, --json printer). */
  listeners?: RunListener[];
  /** Abort = graceful stop (Ctrl-C): finished members stay, run.json says interrupted. */
  signal?: AbortSignal;
  /** Members go to this queue, one job each, for `ldinv worker`s anywhere; absent: a local pool. */
  queue?: QueueLink;
  /** A local executor the caller started (device processes that have said what they loaded) and
   *  configured for this run; the caller closes it. Absent: one is created here, and closed. */
  executor?: Executor;
}

export interface ExecuteOutcome {
  status: RunStatus;
  schedule: ScheduleResult;
  wallMs: number;
}

export function workerConfigOf(run: PreparedRun): WorkerConfig {
  const c = run.manifest.config;
  const prior = METHODS_WITH_PRIOR.includes(c.method) ? run.manifest.priorDir : null;
  return { caseDir: c.case, prior, ...memberSettingsOf(c) };
}

/** What a queue worker needs to run this run's members: the case itself and the prior's identity. */
export function jobContextOf(run: PreparedRun): MemberJobContext {
  const { manifest } = run;
  const c = manifest.config;
  const { prior } = workerConfigOf(run);
  // run.json records the prior's hash whenever it records a prior directory.
  const hash = manifest.priorHash;
  const files = readCaseFiles(c.case);
  return {
    run: manifest.runKey, case: { name: manifest.caseName, hash: caseFilesHash(files), files },
    prior: prior === null || hash === null ? null : { name: c.prior ?? prior, hash },
    ...memberSettingsOf(c),
  };
}

async function createExecutor(run: PreparedRun, queue: QueueLink | undefined): Promise<Executor> {
  if (queue) return queue.executor(jobContextOf(run));
  const { workers, devices } = run.manifest.config;
  const executor = createLocalExecutor({ workers, devices, config: workerConfigOf(run) });
  // Device processes say what they loaded before any task: their slots (1 with native TensorFlow) are known.
  if (executor instanceof DeviceExecutor) {
    try {
      await executor.open();
    } catch (err) {
      await executor.close();
      throw err;
    }
  }
  return executor;
}

/** Records of the same process (and device) once, the executor's first. */
function mergeBackends(...lists: BackendRecord[][]): BackendRecord[] {
  const out: BackendRecord[] = [];
  for (const r of lists.flat()) if (!out.some((b) => b.process === r.process && b.device === r.device)) out.push(r);
  return out;
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
  const { queue } = opts;
  const { shard } = run;
  // A queue job is one member: workers elsewhere batch nothing, and any of them can take any member.
  const batch = queue ? 1 : config.batch;
  const session: RunSession = {
    startedAt: new Date().toISOString(), status: 'running', planned: run.planned, workers: config.workers,
    batch, devices: queue ? null : config.devices, host: hostname(), pid: process.pid,
    ...(queue ? { queue: queue.target.shownUrl } : {}), ...(shard ? { shard: shardLabel(shard) } : {}),
  };
  const started = opts.executor?.backends?.() ?? [];
  if (started.length > 0) session.backends = started;
  manifest.sessions.push(session);
  manifest.status = 'running';
  if (!shard) store.writeManifest(manifest);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  events.emit({
    type: 'run-start', run: store.paths.dir, members: config.members, planned: run.planned, resumed: run.resumed,
    workers: config.workers, devices: session.devices, ...(session.queue ? { queue: session.queue } : {}), ...(session.shard ? { shard: session.shard } : {}),
  });

  const signal = opts.signal ?? new AbortController().signal;
  let schedule: ScheduleResult = {
    done: [], failed: [], interrupted: false, backend: null, backends: [], overheadMs: 0, taskMs: 0, workerInitMs: 0,
  };
  let executor: Executor | undefined = opts.executor;
  // A resume of a finished run has nothing to plan: no workers to start.
  if (run.planned.length > 0) {
    const own = executor === undefined;
    executor ??= await createExecutor(run, queue);
    try {
      schedule = await runScheduled({
        executor, events, signal, batch, maxAttempts: config.maxAttempts,
        members: run.planned.map((index) => ({ index, seed: manifest.seeds.members[index] })),
        persist: (record) => store.writeMember(record),
      });
    } finally {
      if (own) await executor.close();
    }
  }
  const wallMs = performance.now() - t0;
  // A shard answers for its own members only.
  const owned = (m: number) => !shard || inShard(m, shard);
  const expected = manifest.seeds.members.filter((_, m) => owned(m)).length;
  const statuses = [...store.memberStatuses()].filter(([m]) => owned(m)).map(([, s]) => s);
  const done = statuses.filter((s) => s === 'done').length;
  const failed = statuses.filter((s) => s === 'failed').length;
  const status: RunStatus = schedule.interrupted ? 'interrupted' : done + failed === expected ? 'complete' : 'failed';
  Object.assign(session, {
    endedAt: new Date().toISOString(), wallMs, status, peakRssMiB: process.resourceUsage().maxRSS / 1024,
    cpuMs: ((c) => (c.user + c.system) / 1000)(process.cpuUsage(cpu0)),
    overheadMs: schedule.overheadMs, taskMs: schedule.taskMs, workerInitMs: schedule.workerInitMs,
  });
  manifest.status = status;
  const backends = mergeBackends(executor?.backends?.() ?? [], schedule.backends);
  if (backends.length > 0) session.backends = backends;
  manifest.backend = schedule.backend ?? manifest.backend;
  if (backends.length > 0) manifest.backends = backends;
  manifest.counts = { members: config.members, done, failed };
  if (status === 'interrupted') manifest.reason = 'interrupted (signal); resume with --resume';
  else if (status === 'failed') manifest.reason = `${expected - done - failed} members have no record`;
  if (shard) store.journal({ type: 'session', shard: shardLabel(shard), backend: manifest.backend, session });
  else store.writeManifest(manifest);
  events.emit({ type: 'run-end', status, done, failed, wallMs, ...(manifest.reason ? { reason: manifest.reason } : {}) });
  return { status, schedule, wallMs };
}
