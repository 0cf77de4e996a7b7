// The "submit" role: plans tasks, keeps the executor's slots busy, retries the members of a failed
// task one by one up to a bound, and records a member that keeps failing instead of dropping it.
import { performance } from 'node:perf_hooks';
import type { MemberSpec } from '@ldinv/optim';
import type { Executor } from '../pool/executor.ts';
import type { MemberTask, ProgressSink, TaskResult } from '../member/task.ts';
import { type BackendRecord, doneMemberRecord, firstLine, MEMBER_RECORD_VERSION, type MemberRecord, planBatches } from '@ldinv/runs';
import type { RunEvents } from './events.ts';

export interface ScheduleOptions {
  executor: Executor;
  members: MemberSpec[];
  batch: number;
  /** Attempts per member before it is recorded as failed (>= 1). */
  maxAttempts: number;
  events: RunEvents;
  /** Makes a record durable; called before the member's event is emitted. */
  persist(record: MemberRecord): void;
  /** Aborting stops dispatching and abandons in-flight tasks (their members stay missing). */
  signal: AbortSignal;
}

export interface ScheduleResult {
  done: number[];
  failed: number[];
  interrupted: boolean;
  backend: string | null;
  /** What each process that returned a result loaded (one entry per process and device). */
  backends: BackendRecord[];
  /** Dispatch + result transfer + persistence, summed over tasks, ms. */
  overheadMs: number;
  /** In-worker wall time summed over tasks (initialisation excluded), ms. */
  taskMs: number;
  /** Worker start-up: module loading before the first task plus backend/case/prior initialisation, ms. */
  workerInitMs: number;
}

const now = () => performance.timeOrigin + performance.now();

export async function runScheduled(opts: ScheduleOptions): Promise<ScheduleResult> {
  const { executor, events, persist, signal } = opts;
  if (!Number.isInteger(opts.maxAttempts) || opts.maxAttempts < 1) {
    throw new Error(`maxAttempts must be an integer >= 1, got ${opts.maxAttempts}`);
  }
  const seedOf = new Map(opts.members.map((m) => [m.index, m.seed]));
  const attempts = new Map<number, number>();
  const errors = new Map<number, string[]>();
  const finished = new Set<number>();
  const out: ScheduleResult = {
    done: [], failed: [], interrupted: false, backend: null, backends: [], overheadMs: 0, taskMs: 0, workerInitMs: 0,
  };
  let nextId = 0;
  const queue: MemberTask[] = planBatches(opts.members.map((m) => m.index), opts.batch).map((idx) => ({
    id: nextId++, attempt: 0, members: idx.map((index) => ({ index, seed: seedOf.get(index)! })),
  }));

  const sink: ProgressSink = {
    report(member, iteration, misfit, regulariser) {
      // A report can arrive after its result (separate channels): drop it then.
      if (!finished.has(member)) events.emit({ type: 'progress', member, iteration, misfit, regulariser });
    },
  };

  const fail = (task: MemberTask, message: string) => {
    for (const { index, seed } of task.members) {
      const made = (attempts.get(index) ?? 0) + 1;
      attempts.set(index, made);
      const list = [...(errors.get(index) ?? []), message];
      errors.set(index, list);
      if (made >= opts.maxAttempts) {
        finished.add(index);
        persist({ version: MEMBER_RECORD_VERSION, status: 'failed', index, seed, attempts: made, error: message, errors: list });
        out.failed.push(index);
        events.emit({ type: 'member-failed', member: index, attempts: made, error: message });
      } else {
        // Alone, so a member that brings its worker down does not keep costing its batch-mates attempts.
        queue.unshift({ id: nextId++, attempt: made, members: [{ index, seed }] });
        events.emit({ type: 'member-retry', member: index, attempt: made, error: message });
      }
    }
  };

  const succeed = (task: MemberTask, result: TaskResult, submittedAt: number) => {
    const receivedAt = now();
    // Through a queue, dispatch starts when a worker takes the job; the wait for a free one before is not overhead.
    const dispatchedAt = result.pickedUpEpochMs ?? submittedAt;
    const latency = result.startEpochMs - dispatchedAt + (receivedAt - result.endEpochMs);
    if (result.initMs > 0) {
      // A fresh worker: its module loading (in the dispatch latency) and initialisation are start-up.
      out.workerInitMs += result.initMs + (result.startEpochMs - dispatchedAt);
      out.overheadMs += receivedAt - result.endEpochMs;
      const readyAt = new Date(result.startEpochMs + result.initMs).toISOString();
      events.emit({ type: 'worker-ready', worker: result.worker, backend: result.backend, initMs: result.initMs, readyAt });
    } else {
      out.overheadMs += latency;
    }
    out.taskMs += result.endEpochMs - result.startEpochMs - result.initMs;
    out.backend ??= result.backend;
    const rt = result.runtime;
    if (rt && !out.backends.some((b) => b.process === rt.process && b.device === rt.device)) out.backends.push(rt);
    const byIndex = new Map(result.members.map((m) => [m.index, m]));
    const missing = task.members.filter((m) => !byIndex.has(m.index));
    if (missing.length > 0) fail({ ...task, members: missing }, `worker returned no result for member(s) ${missing.map((m) => m.index)}`);
    const persistStart = now();
    for (const spec of task.members) {
      const m = byIndex.get(spec.index);
      // A member is stored once, even if a queue delivers a second copy of it.
      if (!m || finished.has(spec.index)) continue;
      const made = (attempts.get(spec.index) ?? 0) + 1;
      attempts.set(spec.index, made);
      const wallMs = result.endEpochMs - result.startEpochMs - result.initMs;
      const record = doneMemberRecord({ ...m, seed: spec.seed }, made, { startedAt: result.startedAt, wallMs, worker: result.worker });
      finished.add(spec.index);
      persist(record);
      out.done.push(spec.index);
      events.emit({ type: 'member-done', member: m.index, misfit: m.misfit, attempts: made, wallMs, worker: result.worker });
    }
    out.overheadMs += now() - persistStart;
  };

  const inflight = new Map<number, Promise<void>>();
  const aborted = new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  const start = (task: MemberTask) => {
    events.emit({ type: 'task-start', task: task.id, members: task.members.map((m) => m.index), attempt: task.attempt });
    const submittedAt = now();
    const p = executor
      .run(task, sink, signal)
      .then(
        (result) => succeed(task, result, submittedAt),
        (err: unknown) => {
          if (!signal.aborted) fail(task, firstLine(err));
        },
      )
      .finally(() => inflight.delete(task.id));
    inflight.set(task.id, p);
  };

  while (!signal.aborted && (queue.length > 0 || inflight.size > 0)) {
    while (!signal.aborted && queue.length > 0 && inflight.size < executor.slots) start(queue.shift()!);
    if (inflight.size > 0) await Promise.race([...inflight.values(), aborted]);
  }
  if (signal.aborted) {
    out.interrupted = true;
    await Promise.allSettled([...inflight.values()]);
  }
  out.done.sort((a, b) => a - b);
  out.failed.sort((a, b) => a - b);
  return out;
}
