// A piscina pool of worker threads as an Executor. Each task gets its own MessageChannel whose port is
// exposed with comlink, so the worker reports progress by calling progress.report(...).
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { Piscina } from 'piscina';
import type { Executor } from './executor.ts';
import type { MemberTask, ProgressSink, TaskResult, WorkerConfig, WorkerTask } from '../member/task.ts';

export const WORKER_FILE = fileURLToPath(new URL('./piscina-entry.cjs', import.meta.url));

export interface ThreadPoolOptions {
  /** Worker threads. */
  workers: number;
  config: WorkerConfig;
}

export class ThreadPoolExecutor implements Executor {
  readonly slots: number;
  private readonly pool: Piscina<WorkerTask, TaskResult>;

  constructor({ workers, config }: ThreadPoolOptions) {
    if (!Number.isInteger(workers) || workers < 1) throw new Error(`--workers must be an integer >= 1, got ${workers}`);
    this.slots = workers;
    this.pool = new Piscina({
      filename: WORKER_FILE,
      minThreads: workers,
      maxThreads: workers,
      // Workers keep their loaded prior between tasks; never retire an idle one.
      idleTimeout: Number.POSITIVE_INFINITY,
      workerData: config,
      // One task per thread: a worker is one single-threaded wasm instance (DESIGN "Compute backend").
      concurrentTasksPerWorker: 1,
    });
  }

  async run(task: MemberTask, progress: ProgressSink, signal: AbortSignal): Promise<TaskResult> {
    const { port1, port2 } = new MessageChannel();
    Comlink.expose(progress, port1);
    try {
      const result = await this.pool.run({ ...task, progress: port2 }, { transferList: [port2], signal });
      if (result.runtime) result.runtime.threads = this.slots;
      return result;
    } finally {
      port1.close();
    }
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
