// `ldinv worker`: a BullMQ Worker that takes member jobs from the queue and runs each on a local pool
// (the same thread pool or device processes as `ldinv invert`), reporting progress through the job and
// returning the member's result. Its lock on a job is renewed while the member runs; if the process
// dies, the lock expires and another worker's stalled-job check puts the job back in the queue.
// A job that cannot run (malformed payload, prior not here or with another hash, the member throws)
// fails alone, with its reason; the worker carries on. Redis not answering for `unreachableMs` (at
// start or later) is fatal: start() throws, or `lost` resolves, with `URL: unreachable for N s (...)`.
import { hostname } from 'node:os';
import { WaitingError, Worker, type Job, type RedisClient } from 'bullmq';
import type { Redis, RedisOptions } from 'ioredis';
import type { ProgressSink } from '../member/task.ts';
import { probeRedis, unreachableError, waitUntilReady } from './connect.ts';
import { LocalPools, type LocalPoolsOptions } from './local-pools.ts';
import { decodeMemberJob, encodeTaskResult, QUEUE_NAME, QUEUE_PREFIX, type JobData } from './member-job.ts';
import { firstLine } from '@ldinv/runs';

export const QUEUE_WORKER_DEFAULTS = {
  /** ms: a job whose worker has not renewed its lock for this long is stalled (BullMQ's default). */
  lockMs: 30_000,
  /** Kinds of member (case, prior, options) whose pools stay loaded at once. */
  maxPools: 2,
  /** ms between progress updates sent per job (each is a Redis round trip and a stream event). */
  progressMs: 250,
  /** ms without an answer from Redis, at start or later, after which the worker gives up. */
  unreachableMs: 60_000,
  /** Longest ms between reconnection attempts (BullMQ's default backs off to 20 s): a Redis that is
   *  back is found within this, well before the worker gives up on it. */
  reconnectMaxMs: 5000,
  /** ms that leaving waits for BullMQ to close before going anyway. */
  closeTimeoutMs: 5000,
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
  unreachableMs?: number;
  listener?: (event: WorkerEvent) => void;
}

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

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
  /** Set when leaving without waiting (idle, or Redis away): a job BullMQ hands over now is put back, not run. */
  private abandoning = false;
  private lastError: Error | undefined;
  /** The worker's (non-blocking) connection, once ready. */
  private client: RedisClient | null = null;
  private beat: NodeJS.Timeout | undefined;
  /** Members in process() now. */
  private running = 0;
  private giveUp: (err: Error) => void = () => {};
  /** Resolves with `URL: unreachable for N s (...)` once Redis has been away for `unreachableMs`. */
  readonly lost = new Promise<Error>((resolve) => (this.giveUp = resolve));

  private constructor(private readonly opts: QueueWorkerOptions, private readonly worker: Worker<JobData, string>, pools: LocalPools) {
    this.pools = pools;
  }

  private readonly onRedisError = (err: Error) => {
    // While Redis is away every retry reports the same error: say it once.
    if (firstLine(err) !== firstLine(this.lastError ?? '')) this.opts.listener?.({ type: 'redis-error', error: firstLine(err) });
    this.lastError = err;
  };

  static async start(opts: QueueWorkerOptions): Promise<QueueWorker> {
    const emit = opts.listener ?? (() => {});
    const lockMs = opts.lockMs ?? QUEUE_WORKER_DEFAULTS.lockMs;
    const unreachableMs = opts.unreachableMs ?? QUEUE_WORKER_DEFAULTS.unreachableMs;
    // A Redis not up yet (or restarting) is waited for, up to unreachableMs; a wrong password is not.
    await probeRedis(opts.connection, opts.shownUrl, unreachableMs, { onError: (err) => emit({ type: 'redis-error', error: firstLine(err) }) });
    const pools = new LocalPools({ ...opts, maxPools: QUEUE_WORKER_DEFAULTS.maxPools });
    let self: QueueWorker | null = null;
    const worker = new Worker<JobData, string>(QUEUE_NAME, (job, token, signal) => self!.process(job, token, signal), {
      connection: { ...opts.connection, retryStrategy: (times: number) => Math.min(1000 * times, QUEUE_WORKER_DEFAULTS.reconnectMaxMs) },
      prefix: QUEUE_PREFIX, concurrency: pools.slots, autorun: false, lockDuration: lockMs, stalledInterval: lockMs,
    });
    const me = (self = new QueueWorker(opts, worker, pools));
    // Redis may go again between the probe and BullMQ's connections: the same limit holds.
    const ready = waitUntilReady([worker], me.onRedisError).then(() => true);
    if (!(await Promise.race([ready, sleep(unreachableMs).then(() => false)]))) {
      await Promise.race([worker.close(true).catch(() => {}), sleep(QUEUE_WORKER_DEFAULTS.closeTimeoutMs)]);
      throw unreachableError(opts.shownUrl, unreachableMs, me.lastError);
    }
    me.client = await worker.client;
    me.heartbeat(me.client, unreachableMs);
    worker.on('ready', () => (me.lastError = undefined));
    worker.on('stalled', (jobId) => emit({ type: 'job-stalled', job: jobId }));
    // Done and failed once Redis has the outcome: a member whose job was lost meanwhile (a Redis
    // restart) is neither; the orchestrator enqueues it again.
    worker.on('completed', (job) => {
      const m = me.finished.get(job.id ?? '');
      me.finished.delete(job.id ?? '');
      me.done++;
      if (m) emit({ type: 'job-done', job: job.id ?? '', ...m });
    });
    worker.on('failed', (job, err) => {
      me.failed++;
      emit({ type: 'job-failed', job: job?.id ?? '(unknown job)', error: firstLine(err) });
    });
    void worker.run().catch((err: unknown) => emit({ type: 'redis-error', error: firstLine(err) }));
    emit({ type: 'worker-ready', queue: opts.shownUrl, slots: pools.slots, worker: `${hostname()}:${process.pid}` });
    return me;
  }

  /**
   * Gives up on Redis after `unreachableMs` without an answer: one PING at a time on the worker's
   * connection, at most one a second. Connection events alone would miss a server that keeps the
   * connection open but answers nothing (stopped, or its host cut off), and while ioredis reconnects
   * the PING waits in its offline queue and is answered once Redis is back.
   */
  private heartbeat(client: RedisClient, unreachableMs: number): void {
    // BullMQ's client interface lists only the commands BullMQ sends; made from RedisOptions, the
    // client is ioredis's, which its adapter forwards the rest to.
    const ping = () => (client as unknown as Pick<Redis, 'ping'>).ping();
    let answered = Date.now();
    let waiting = false;
    this.beat = setInterval(() => {
      if (Date.now() - answered >= unreachableMs) {
        clearInterval(this.beat);
        this.giveUp(unreachableError(this.opts.shownUrl, Date.now() - answered, this.lastError));
      } else if (!waiting) {
        waiting = true;
        void ping().then(() => (answered = Date.now()), () => {}).finally(() => (waiting = false));
      }
    }, Math.min(1000, unreachableMs / 4));
  }

  private async process(job: Job<JobData>, token: string | undefined, signal?: AbortSignal): Promise<string> {
    if (this.abandoning) {
      // Taken as the worker leaves without waiting: back to the queue (or, Redis away, it stalls).
      await job.moveToWait(token).catch(() => {});
      throw new WaitingError();
    }
    this.running++;
    try {
      return await this.run(job, signal);
    } finally {
      this.running--;
    }
  }

  private async run(job: Job<JobData>, signal?: AbortSignal): Promise<string> {
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
   * Idle, or with Redis away (nothing could be returned), it leaves at once, without BullMQ's
   * graceful close: that waits for its blocking client to disconnect, which a client reconnecting to
   * a Redis that is gone never does (taskforcesh/bullmq#4656). Members then running are abandoned.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const idle = this.running === 0 && this.finished.size === 0;
      this.abandoning = idle || this.client?.status !== 'ready';
      await this.worker.close(this.abandoning).catch(() => {});
      await this.pools.close();
      clearInterval(this.beat);
      this.opts.listener?.({ type: 'worker-stop', done: this.done, failed: this.failed });
    })();
    return this.stopping;
  }

  /** Leaves without Redis (after `lost`): running members are abandoned; they stall and run elsewhere. */
  async abandon(): Promise<void> {
    this.abandoning = true;
    // A graceful stop() begun before Redis went may be stuck in BullMQ's close: do not wait on it.
    await Promise.race([this.worker.close(true).catch(() => {}), sleep(QUEUE_WORKER_DEFAULTS.closeTimeoutMs)]);
    await this.pools.close();
    clearInterval(this.beat);
  }
}
