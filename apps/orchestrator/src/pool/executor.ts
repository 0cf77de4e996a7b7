// The "process" role: something that runs member tasks somewhere (a thread pool here, device processes,
// later a queue). The scheduler (submit role) sees only this interface.
import type { BackendRecord } from '@ldinv/runs';
import type { MemberTask, ProgressSink, TaskResult } from '../member/task.ts';

export interface Executor {
  /** Tasks it runs at once; the scheduler keeps at most this many in flight. */
  readonly slots: number;
  /** Runs a task; rejects when the worker dies, the task throws, or `signal` aborts it. */
  run(task: MemberTask, progress: ProgressSink, signal: AbortSignal): Promise<TaskResult>;
  /** What its processes loaded, where it knows before their results say (device processes). */
  backends?(): BackendRecord[];
  /** Stops every worker; in-flight tasks are abandoned. */
  close(): Promise<void>;
}
