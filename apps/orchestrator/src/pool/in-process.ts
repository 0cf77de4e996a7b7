// Runs member tasks one at a time in this thread: a device process whose backend is native TensorFlow
// must not load its binding in a second thread (tensorflow/tfjs#8388), so its members run here, in the
// thread that loaded it. The solver's work runs here too, between the optimiser's steps.
import { MessageChannel } from 'node:worker_threads';
import * as Comlink from 'comlink';
import type { Executor } from './executor.ts';
import type { MemberTask, ProgressSink, TaskResult, WorkerConfig } from '../member/task.ts';
import { runTask } from './worker-entry.ts';

export class InProcessExecutor implements Executor {
  readonly slots = 1;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly config: WorkerConfig) {}

  run(task: MemberTask, progress: ProgressSink, signal: AbortSignal): Promise<TaskResult> {
    const turn = this.queue.then(async () => {
      // Aborted while waiting for the thread: never start it.
      if (signal.aborted) throw new Error('task aborted before it started');
      const { port1, port2 } = new MessageChannel();
      Comlink.expose(progress, port1);
      try {
        return await runTask({ ...task, progress: port2 }, this.config);
      } finally {
        port1.close();
      }
    });
    this.queue = turn.catch(() => undefined);
    // A running task cannot be interrupted in this thread: on abort its caller stops waiting for it.
    const aborted = new Promise<never>((_, reject) => {
      const onAbort = () => reject(new Error('task aborted'));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      void turn.finally(() => signal.removeEventListener('abort', onAbort)).catch(() => undefined);
    });
    return Promise.race([turn, aborted]);
  }

  /** Nothing to stop: the process that owns this thread exits after it (a running task ends with it). */
  async close(): Promise<void> {}
}
