// One worker process per listed device; tasks go to the process with the most free slots. Each process
// loads its backend first and says what loaded (`open()` waits for that, so a GPU run can be refused
// before any member runs, and the slots are known: one per process with native TensorFlow, else its
// threads). A process that dies fails its in-flight tasks (the scheduler retries them) and is started
// afresh for the next task.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BackendChoice, BackendReport } from '@ldinv/tensor';
import type { BackendRecord } from '@ldinv/runs';
import type { FromDevice, ToDevice } from './device-messages.ts';
import type { Executor } from './executor.ts';
import type { MemberTask, ProgressSink, TaskResult, WorkerConfig } from '../member/task.ts';

const HOST_BOOTSTRAP = fileURLToPath(new URL('./device-host-bootstrap.mjs', import.meta.url));

interface Pending {
  resolve(r: TaskResult): void;
  reject(e: Error): void;
  progress: ProgressSink;
}

/** What a device process loaded. */
export interface DeviceReady {
  report: BackendReport;
  record: BackendRecord;
  slots: number;
}

class DeviceProcess {
  child: ChildProcess | null = null;
  readonly pending = new Map<number, Pending>();
  /** Settles when the current child has loaded its backend (or failed to). */
  private ready: Promise<DeviceReady> | null = null;
  /** The last ready answer: its slots hold until a restarted process answers again. */
  last: DeviceReady | null = null;
  /** Every process started for this device (a restart after a crash is another process). */
  readonly records: BackendRecord[] = [];
  config: WorkerConfig | null = null;

  constructor(readonly device: string, private readonly workers: number, private readonly backend: BackendChoice) {}

  get busy(): number {
    return this.pending.size;
  }

  /** Tasks it takes at once: its threads until it said otherwise. */
  get slots(): number {
    return this.last?.slots ?? this.workers;
  }

  /** Starts the process if none runs; resolves with what it loaded. */
  open(): Promise<DeviceReady> {
    if (this.child && this.ready) return this.ready;
    const child = fork(HOST_BOOTSTRAP, [], {
      env: { ...process.env, CUDA_VISIBLE_DEVICES: this.device },
      serialization: 'advanced',
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child = child;
    this.ready = new Promise<DeviceReady>((resolve, reject) => {
      child.on('message', (msg: FromDevice) => {
        if (msg.type === 'ready') {
          this.last = { report: msg.report, record: msg.record, slots: msg.slots };
          this.records.push(msg.record);
          resolve(this.last);
          return;
        }
        if (msg.type === 'init-error') {
          reject(new Error(msg.message));
          return;
        }
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
        if (this.child === child) {
          this.child = null;
          this.ready = null;
        }
        const why = new Error(`device ${this.device} process exited (${signal ?? `code ${code}`})`);
        reject(why);
        for (const p of this.pending.values()) p.reject(why);
        this.pending.clear();
      });
    });
    // Callers that only run tasks learn of a failed start through their task's error.
    this.ready.catch(() => undefined);
    child.send({ type: 'init', backend: this.backend, workers: this.workers, device: this.device } satisfies ToDevice);
    if (this.config) child.send({ type: 'configure', config: this.config } satisfies ToDevice);
    return this.ready;
  }

  configure(config: WorkerConfig): void {
    this.config = config;
    if (this.child?.connected) this.child.send({ type: 'configure', config } satisfies ToDevice);
  }

  run(task: MemberTask, progress: ProgressSink, signal: AbortSignal): Promise<TaskResult> {
    if (!this.child) void this.open();
    const child = this.child!;
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
  /** Threads per device process (with wasm or cpu; native TensorFlow runs one). */
  workers: number;
  /** The backend each process loads; default: config.backend. */
  backend?: BackendChoice;
  /** The run's worker configuration; may follow later through configure(). */
  config?: WorkerConfig;
}

export class DeviceExecutor implements Executor {
  private readonly processes: DeviceProcess[];

  constructor({ devices, workers, backend, config }: DeviceExecutorOptions) {
    if (devices.length === 0) throw new Error('--devices: need at least one device');
    if (!Number.isInteger(workers) || workers < 1) throw new Error(`--workers must be an integer >= 1, got ${workers}`);
    const choice = backend ?? config?.backend;
    if (choice === undefined) throw new Error('DeviceExecutor: give the backend or the config');
    this.processes = devices.map((d) => new DeviceProcess(d, workers, choice));
    if (config) this.configure(config);
  }

  /** Tasks at once over all processes: each process's threads, or 1 for one running native TensorFlow. */
  get slots(): number {
    return this.processes.reduce((n, p) => n + p.slots, 0);
  }

  /** Starts every process and waits until each has loaded its backend; rejects with the first failure. */
  open(): Promise<DeviceReady[]> {
    return Promise.all(this.processes.map((p) => p.open()));
  }

  /** The run's configuration, for processes started before it was known (and every restart). */
  configure(config: WorkerConfig): this {
    for (const p of this.processes) p.configure(config);
    return this;
  }

  /** One record per device process started so far that has said what it loaded. */
  backends(): BackendRecord[] {
    return this.processes.flatMap((p) => p.records);
  }

  run(task: MemberTask, progress: ProgressSink, signal: AbortSignal): Promise<TaskResult> {
    // The scheduler never exceeds `slots` in flight: the process with the most free slots has one.
    const target = this.processes.reduce((a, b) => (b.slots - b.busy > a.slots - a.busy ? b : a));
    return target.run(task, progress, signal);
  }

  async close(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.close()));
  }
}
