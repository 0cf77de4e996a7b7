// One worker process per listed device, each with `workers` threads; tasks go to the process with the
// most free threads. A process that dies fails its in-flight tasks (the scheduler retries them) and
// is started afresh for the next task.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromDevice, ToDevice } from './device-messages.ts';
import type { Executor } from './executor.ts';
import type { MemberTask, ProgressSink, TaskResult, WorkerConfig } from './task.ts';

const HOST_BOOTSTRAP = fileURLToPath(new URL('./device-host-bootstrap.mjs', import.meta.url));

interface Pending {
  resolve(r: TaskResult): void;
  reject(e: Error): void;
  progress: ProgressSink;
}

class DeviceProcess {
  child: ChildProcess | null = null;
  readonly pending = new Map<number, Pending>();

  constructor(readonly device: string, private readonly workers: number, private readonly config: WorkerConfig) {}

  get busy(): number {
    return this.pending.size;
  }

  private start(): ChildProcess {
    const child = fork(HOST_BOOTSTRAP, [], {
      env: { ...process.env, CUDA_VISIBLE_DEVICES: this.device },
      serialization: 'advanced',
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (msg: FromDevice) => {
      if (msg.type === 'ready') return;
      const p = this.pending.get(msg.id);
      if (!p) return;
      if (msg.type === 'progress') p.progress.report(msg.member, msg.iteration, msg.misfit, msg.regulariser);
      else {
        this.pending.delete(msg.id);
        if (msg.type === 'result') p.resolve(msg.result);
        else p.reject(new Error(msg.message));
      }
    });
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = null;
      const why = new Error(`device ${this.device} process exited (${signal ?? `code ${code}`})`);
      for (const p of this.pending.values()) p.reject(why);
      this.pending.clear();
    });
    child.send({ type: 'init', config: this.config, workers: this.workers, device: this.device } satisfies ToDevice);
    return child;
  }

  run(task: MemberTask, progress: ProgressSink, signal: AbortSignal): Promise<TaskResult> {
    const child = (this.child ??= this.start());
    return new Promise<TaskResult>((resolve, reject) => {
      const onAbort = () => {
        if (child.connected) child.send({ type: 'abort', id: task.id } satisfies ToDevice);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const done = () => signal.removeEventListener('abort', onAbort);
      this.pending.set(task.id, {
        resolve: (r) => (done(), resolve(r)),
        reject: (e) => (done(), reject(e)),
        progress,
      });
      child.send({ type: 'run', task } satisfies ToDevice);
    });
  }

  async close(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      if (child.connected) child.send({ type: 'close' } satisfies ToDevice);
      else child.kill();
    });
  }
}

export interface DeviceExecutorOptions {
  devices: string[];
  /** Threads per device process. */
  workers: number;
  config: WorkerConfig;
}

export class DeviceExecutor implements Executor {
  readonly slots: number;
  private readonly processes: DeviceProcess[];

  constructor({ devices, workers, config }: DeviceExecutorOptions) {
    if (devices.length === 0) throw new Error('--devices: need at least one device');
    if (!Number.isInteger(workers) || workers < 1) throw new Error(`--workers must be an integer >= 1, got ${workers}`);
    this.processes = devices.map((d) => new DeviceProcess(d, workers, config));
    this.slots = devices.length * workers;
  }

  run(task: MemberTask, progress: ProgressSink, signal: AbortSignal): Promise<TaskResult> {
    // The scheduler never exceeds `slots` in flight, so the least busy process has a free thread.
    const target = this.processes.reduce((a, b) => (b.busy < a.busy ? b : a));
    return target.run(task, progress, signal);
  }

  async close(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.close()));
  }
}
