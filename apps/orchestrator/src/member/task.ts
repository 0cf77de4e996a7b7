// What travels between the orchestrator and a worker. Nothing here knows where a task runs.
import type { MessagePort } from 'node:worker_threads';
import type { MemberSpec } from '@ldinv/optim';
import type { MemberOutcome, BackendRecord, MemberSettings } from '@ldinv/runs';

/** Static configuration, given once to every worker (piscina workerData, device process argv). */
export interface WorkerConfig extends MemberSettings {
  caseDir: string;
  prior: string | null;
}

/** A batch of members optimised together. `attempt` counts from 0 (the first try). */
export interface MemberTask {
  id: number;
  members: MemberSpec[];
  attempt: number;
}

/** What a worker receives: the task plus the port its progress reports go through (comlink). */
export interface WorkerTask extends MemberTask {
  progress?: MessagePort;
}

/** Result of one member (@ldinv/runs' run-store/member-record.ts); its arrays are moved (transferred), not copied, back to the orchestrator. */
export type { MemberOutcome };

export interface TaskResult {
  id: number;
  members: MemberOutcome[];
  /** Backend the worker runs on, as @ldinv/tensor reports it. */
  backend: string;
  /** The process the worker runs in and what it loaded (package, version, GPU build); absent from
   *  queue workers of versions before it was recorded. */
  runtime?: BackendRecord;
  worker: string;
  startedAt: string;
  /** Epoch ms (performance.timeOrigin + now(): comparable across threads and processes) when the handler began. */
  startEpochMs: number;
  /** Epoch ms when the result was ready to send. */
  endEpochMs: number;
  /** Time this worker's first task waited for its initialisation (backend, case, prior), ms; 0 afterwards. */
  initMs: number;
  /** Epoch ms when a queue worker took the job off the queue (absent for local pools): waiting in the
   *  queue for a free worker is not dispatch overhead. */
  pickedUpEpochMs?: number;
}

/** The progress interface a worker calls through comlink: one call per member per iteration. */
export interface ProgressSink {
  report(member: number, iteration: number, misfit: number, regulariser: number): void;
}

/** All ArrayBuffers of a result's members, whatever fields hold them, for a transfer list. */
export function resultBuffers(result: TaskResult): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const visit = (value: unknown): void => {
    if (ArrayBuffer.isView(value)) {
      if (value.buffer instanceof ArrayBuffer) out.add(value.buffer);
    } else if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (typeof value === 'object' && value !== null) {
      Object.values(value).forEach(visit);
    }
  };
  result.members.forEach(visit);
  return [...out];
}
