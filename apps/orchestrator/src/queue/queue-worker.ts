// `ldinv worker`: a BullMQ Worker that takes member jobs from the queue and runs each on a local pool
// (the same thread pool or device processes as `ldinv invert`), reporting progress through the job and
// returning the member's result. Its lock on a job is renewed while the member runs; if the process
// dies, the lock expires and another worker's stalled-job check puts the job back in the queue.
// A job that cannot run (malformed payload, prior not here or with another hash, the member throws)
// fails alone, with its reason; the worker carries on.
import { hostname } from 'node:os';
import { Worker, type Job } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import type { ProgressSink } from '../pool/task.ts';
import { probeRedis, waitUntilReady } from './connect.ts';
import { LocalPools, type LocalPoolsOptions } from './local-pools.ts';
import { decodeMemberJob, encodeTaskResult, QUEUE_NAME, QUEUE_PREFIX, type JobData } from './member-job.ts';

export const QUEUE_WORKER_DEFAULTS = {
  /** ms: a job whose worker has not renewed its lock for this long is stalled (BullMQ's default). */
  lockMs: 30_000,
  /** Kinds of member (case, prior, options) whose pools stay loaded at once. */
  maxPools: 2,
  /** ms between progress updates sent per job (each is a Redis round trip and a stream event). */
  progressMs: 250,
  /** ms to reach Redis at start (the probe) before giving up. */
  connectTimeoutMs: 10_000,
};

export type WorkerEvent =
  | { type: 'worker-ready'; queue: string; slots: number; worker: string }
  | { type: 'job-start'; job: string; member: number; attempt: number }
  | { type: 'job-done'; job: string; member: number; misfit: number; wallMs: number }
  | { type: 'job-failed'; job: string; error: string }
  | { type: 'job-stalled'; job: string }
  | { type: 'redis-error'; error: string }
  | { type: 'worker-stop'; done: number; failed: number };

export interface QueueWorkerOptions extends Omit<LocalPoolsOptions, 'maxPools'> {
  connection: RedisOptions;
  shownUrl: string;
  /** ms; also the interval of the stalled-job check. */
  lockMs?: number;
  listener?: (event: WorkerEvent) => void;
}

const now = () => performance.timeOrigin + performance.now();
const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0];

/**
 * Progress through the job, at most one update per `everyMs`; flush() sends the last one. It need not
 * be awaited: it goes on the connection that then completes the job, so Redis sees it first.
 */
function jobProgress(job: Job<JobData>, everyMs: number): ProgressSink & { flush(): void } {
  let last = 0;
  let latest: object | null = null;
  const send = () => {
    const data = latest;
    latest = null;
    last = Date.now();
    // A lost update (Redis away a moment) is not worth failing a member for.
    if (data) void job.updateProgress(data).catch(() => {});
  };
  return {
    report(member, iteration, misfit, regulariser) {
      latest = { member, iteration, misfit, regulariser };
      if (Date.now() - last >= everyMs) send();
    },
    flush: send,
  };
}

export class QueueWorker {
  private readonly pools: LocalPools;
  private done = 0;
  private failed = 0;
  private taskIds = 0;
  /** Members computed whose job Redis has not yet confirmed completed. */
  private readonly finished = new Map<string, { member: number; misfit: number; wallMs: number }>();
  private stopping: Promise<void> | null = null;

  private constructor(private readonly opts: QueueWorkerOptions, private readonly worker: Worker<JobData, string>, pools: LocalPools) {
    this.pools = pools;
  }

  static async start(opts: QueueWorkerOptions): Promise<QueueWorker> {
    const emit = opts.listener ?? (() => {});
    const pools = new LocalPools({ ...opts, maxPools: QUEUE_WORKER_DEFAULTS.maxPools });
    const lockMs = opts.lockMs ?? QUEUE_WORKER_DEFAULTS.lockMs;
    let self: QueueWorker | null = null;
    await probeRedis(opts.connection, opts.shownUrl, QUEUE_WORKER_DEFAULTS.connectTimeoutMs);
    const worker = new Worker<JobData, string>(QUEUE_NAME, (job, _token, signal) => self!.process(job, signal), {
      connection: opts.connection, prefix: QUEUE_PREFIX, concurrency: pools.slots, autorun: false,
      lockDuration: lockMs, stalledInterval: lockMs,
    });
    self = new QueueWorker(opts, worker, pools);
    let lastError = '';
    await waitUntilReady([worker], (err) => {
      // While Redis is away every retry reports the same error: say it once.
      const message = firstLine(err);
      if (message !== lastError) emit({ type: 'redis-error', error: message });
      lastError = message;
    });
    worker.on('ready', () => (lastError = ''));
    worker.on('stalled', (jobId) => emit({ type: 'job-stalled', job: jobId }));
    // Done and failed once Redis has the outcome: a member whose job was lost meanwhile (a Redis
    // restart) is neither; the orchestrator enqueues it again.
    worker.on('completed', (job) => {
      const m = self!.finished.get(job.id ?? '');
      self!.finished.delete(job.id ?? '');
      self!.done++;
      if (m) emit({ type: 'job-done', job: job.id ?? '', ...m });
    });
    worker.on('failed', (job, err) => {
      self!.failed++;
      emit({ type: 'job-failed', job: job?.id ?? '(unknown job)', error: firstLine(err) });
    });
    void worker.run().catch((err: unknown) => emit({ type: 'redis-error', error: firstLine(err) }));
    emit({ type: 'worker-ready', queue: opts.shownUrl, slots: pools.slots, worker: `${hostname()}:${process.pid}` });
    return self;
  }

  private async process(job: Job<JobData>, signal?: AbortSignal): Promise<string> {
    const pickedUpEpochMs = job.processedOn ?? now();
    const id = job.id ?? '(no id)';
    // Throws (the job fails with the message, the worker carries on) on a malformed payload or a prior not here.
    const spec = decodeMemberJob(job.data, job.id);
    this.opts.listener?.({ type: 'job-start', job: id, member: spec.member.index, attempt: spec.attempt });
    const lease = this.pools.acquire(spec);
    try {
      const progress = jobProgress(job, QUEUE_WORKER_DEFAULTS.progressMs);
      const task = { id: this.taskIds++, attempt: spec.attempt, members: [spec.member] };
      const result = await lease.executor.run(task, progress, signal ?? new AbortController().signal);
      progress.flush();
      const m = result.members[0];
      this.finished.set(id, { member: m.index, misfit: m.misfit, wallMs: result.endEpochMs - result.startEpochMs });
      return encodeTaskResult({ ...result, pickedUpEpochMs });
    } finally {
      lease.release();
    }
  }

  /**
   * Stops taking jobs: the members running now finish and are returned, then the pools close. (To
   * abandon them instead, end the process: their locks expire and they run on another worker.)
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.worker.close().catch(() => {});
      await this.pools.close();
      this.opts.listener?.({ type: 'worker-stop', done: this.done, failed: this.failed });
    })();
    return this.stopping;
  }
}
