// The worker entry: one exported function that takes a task and returns its result.
// Static configuration arrives once as workerData; the context (backend, case, prior) is built as the
// worker starts and kept for all its tasks; result arrays are transferred, not copied.
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { threadId, workerData } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { Piscina } from 'piscina';
import { backendReport } from '@ldinv/tensor';
import { createMemberContext, type MemberContext } from '../member/member-context.ts';
import { runMembers } from '../member/run-members.ts';
import { backendRecordOf } from './backend-record.ts';
import { FAULT_ENV, faultsFor, parseFaultRules } from '../member/fault-inject.ts';
import { resultBuffers, type ProgressSink, type TaskResult, type WorkerConfig, type WorkerTask } from '../member/task.ts';

let context: Promise<MemberContext> | undefined;
let reportedInit = false;

const now = () => performance.timeOrigin + performance.now();

/** Starts (or restarts after a failure) loading the backend, case and prior. */
function loadContext(config: WorkerConfig): Promise<MemberContext> {
  const c = createMemberContext(config);
  // A failed initialisation must not poison later tasks: the next one tries again.
  c.catch(() => {
    if (context === c) context = undefined;
  });
  return c;
}

// In a pool thread, start initialising as soon as the module loads, while the first task is dispatched.
if (workerData) context = loadContext(workerData as WorkerConfig);

export async function runTask(task: WorkerTask, config: WorkerConfig = workerData as WorkerConfig): Promise<TaskResult> {
  const startEpochMs = now();
  const startedAt = new Date().toISOString();
  for (const fault of faultsFor(parseFaultRules(process.env[FAULT_ENV]), task.members.map((m) => m.index), task.attempt)) {
    if (fault.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
    // In a worker thread process.exit ends the thread only: the pool sees a worker die mid-task.
    if (fault.kind === 'crash') process.exit(70);
    if (fault.kind === 'throw') throw new Error(`fault injected (${FAULT_ENV}) in task with members ${task.members.map((m) => m.index)}`);
  }
  context ??= loadContext(config);
  const waitStart = now();
  const ctx = await context;
  // Start-up the first task of this worker waited for (0 afterwards).
  const initMs = reportedInit ? 0 : Math.max(now() - waitStart, Number.MIN_VALUE);
  reportedInit = true;
  const progress = task.progress ? Comlink.wrap<ProgressSink>(task.progress) : undefined;
  const pending: Promise<unknown>[] = [];
  try {
    const members = await runMembers(ctx, task.members, progress ? (...a) => void pending.push(progress.report(...a)) : undefined);
    // Every report delivered before the result, so observers see a member's last iteration first.
    await Promise.all(pending);
    const report = backendReport();
    return {
      id: task.id, members, backend: ctx.backend, worker: `${hostname()}:${process.pid}/${threadId}`,
      // One thread's view; the pool that runs it fills in its thread count and device.
      ...(report ? { runtime: backendRecordOf(report, null, 1) } : {}),
      startedAt, startEpochMs, endEpochMs: now(), initMs,
    };
  } finally {
    progress?.[Comlink.releaseProxy]();
    task.progress?.close();
  }
}

/** piscina's handler: the result with its arrays in the transfer list. */
export default async function handler(task: WorkerTask) {
  const result = await runTask(task);
  // piscina's Transferable protocol: the value plus its transfer list under piscina's symbols (typed
  // as plain `symbol` getters, hence the cast).
  return Piscina.move({ [Piscina.transferableSymbol]: resultBuffers(result), [Piscina.valueSymbol]: result } as never);
}
