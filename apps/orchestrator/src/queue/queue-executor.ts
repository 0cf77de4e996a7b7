// The orchestrator's side of queue mode, as an Executor: every task (one member) becomes a BullMQ job
// with the idempotent id `<runKey>/<member>`, and settles when a worker anywhere completes or fails it.
// Completion arrives through QueueEvents; a reconciliation (on every reconnect and every few seconds)
// reads the jobs' states instead, which covers events missed while disconnected, jobs finished before
// this process listened (a resume), and jobs Redis lost (a restart without persistence: re-added).
// A settled job is removed, after the scheduler has persisted its member, so Redis holds only work
// in progress; a stale copy of a member then cannot complete (its job and lock are gone).
import { Job, Queue, QueueEvents } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import type { Executor } from '../pool/executor.ts';
import type { MemberTask, ProgressSink, TaskResult } from '../member/task.ts';
import { decodeTaskResult, encodeMemberJob, memberJobId, QUEUE_NAME, QUEUE_PREFIX, type JobData, type MemberJobContext } from './member-job.ts';
import { probeRedis, waitUntilReady } from './connect.ts';

export interface QueueTarget {
  connection: RedisOptions;
  /** The URL as it may be shown (password hidden), for messages. */
  shownUrl: string;
}

export const QUEUE_EXECUTOR_DEFAULTS = {
  /** ms between reconciliations of the pending jobs with Redis (a safety net; events do the work). */
  reconcileMs: 2000,
  /** ms to reach Redis at start (the probe) before giving up with an error. */
  connectTimeoutMs: 10_000,
  /** ms that close() waits for Redis to take the last removals. */
  closeTimeoutMs: 5000,
  /** Events kept in Redis's event stream (BullMQ's default is 10 000). A completed event carries its
   *  member (~300 kB at 128x128), and events are read as they come, or missed ones recovered from
   *  the job itself by reconciliation: a short stream bounds Redis's memory. */
  eventsMaxLen: 1000,
  /** s: a finished job nobody collected is dropped after this (7 days). */
  keepFinishedS: 7 * 24 * 3600,
};

/**
 * The connection to the queue, opened before a run directory is made, so that an unreachable Redis
 * or a wrong password fails in one line with nothing written.
 */
export class QueueLink {
  private constructor(readonly target: QueueTarget, readonly queue: Queue<JobData>, readonly events: QueueEvents) {}

  static async open(target: QueueTarget): Promise<QueueLink> {
    await probeRedis(target.connection, target.shownUrl, QUEUE_EXECUTOR_DEFAULTS.connectTimeoutMs);
    const queue = new Queue<JobData>(QUEUE_NAME, {
      connection: target.connection, prefix: QUEUE_PREFIX, streams: { events: { maxLen: QUEUE_EXECUTOR_DEFAULTS.eventsMaxLen } },
    });
    const events = new QueueEvents(QUEUE_NAME, { connection: target.connection, prefix: QUEUE_PREFIX });
    await waitUntilReady([queue, events]);
    return new QueueLink(target, queue, events);
  }

  /** The executor for one run's members. */
  executor(context: MemberJobContext): Promise<QueueExecutor> {
    return QueueExecutor.start(this, context);
  }

  async close(): Promise<void> {
    await Promise.race([Promise.allSettled([this.events.close(), this.queue.close()]), sleep(QUEUE_EXECUTOR_DEFAULTS.closeTimeoutMs)]);
  }
}

interface Pending {
  jobId: string;
  data: JobData;
  progress: ProgressSink;
  resolve(result: TaskResult): void;
  reject(err: Error): void;
  settled: boolean;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

export class QueueExecutor implements Executor {
  /** Every planned member is enqueued at once: workers, however many join, pull from the queue. */
  readonly slots = Number.POSITIVE_INFINITY;
  private readonly pending = new Map<string, Pending>();
  private readonly chores = new Set<Promise<unknown>>();
  private readonly timer: NodeJS.Timeout;
  private reconciling = false;
  private closed = false;

  private readonly queue: Queue<JobData>;

  private constructor(private readonly link: QueueLink, private readonly context: MemberJobContext) {
    this.queue = link.queue;
    this.timer = setInterval(() => void this.reconcile(), QUEUE_EXECUTOR_DEFAULTS.reconcileMs);
    this.timer.unref();
  }

  private readonly onCompleted = ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }) => this.complete(jobId, returnvalue);
  private readonly onFailed = ({ jobId, failedReason }: { jobId: string; failedReason: string }) => this.fail(jobId, failedReason || 'failed without a reason');
  private readonly onProgress = ({ jobId, data }: { jobId: string; data: unknown }) => {
    const p = this.pending.get(jobId);
    const d = data as { member?: unknown; iteration?: unknown; misfit?: unknown; regulariser?: unknown };
    if (p && !p.settled && typeof d === 'object' && d !== null && [d.member, d.iteration, d.misfit, d.regulariser].every((v) => typeof v === 'number')) {
      p.progress.report(d.member as number, d.iteration as number, d.misfit as number, d.regulariser as number);
    }
  };
  private readonly onReady = () => void this.reconcile();

  static async start(link: QueueLink, context: MemberJobContext): Promise<QueueExecutor> {
    const executor = new QueueExecutor(link, context);
    link.events.on('completed', executor.onCompleted);
    link.events.on('failed', executor.onFailed);
    link.events.on('progress', executor.onProgress);
    // The link is connected already, so 'ready' means a reconnect: events sent meanwhile are gone, and
    // after a Redis restart so are the jobs.
    (await link.queue.client).on('ready', executor.onReady);
    return executor;
  }

  run(task: MemberTask, progress: ProgressSink, signal: AbortSignal): Promise<TaskResult> {
    if (task.members.length !== 1) return Promise.reject(new Error(`queue mode runs one member per job, got a task of ${task.members.length}`));
    const [member] = task.members;
    const jobId = memberJobId(this.context.run, member.index);
    if (this.pending.has(jobId)) return Promise.reject(new Error(`job ${jobId} is already pending`));
    return new Promise<TaskResult>((resolve, reject) => {
      const onAbort = () => this.settle(p, new Error('aborted'));
      const p: Pending = {
        jobId, progress, settled: false,
        data: encodeMemberJob(this.context, member, task.attempt),
        resolve: (r) => (signal.removeEventListener('abort', onAbort), resolve(r)),
        reject: (e) => (signal.removeEventListener('abort', onAbort), reject(e)),
      };
      this.pending.set(jobId, p);
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.chore(this.submit(p).catch((err: unknown) => this.settle(p, err as Error)));
    });
  }

  private async submit(p: Pending): Promise<void> {
    const state = await this.queue.getJobState(p.jobId);
    if (p.settled) return;
    // A failure left by an earlier session: the scheduler decides about attempts, so start afresh.
    if (state === 'failed') await this.queue.remove(p.jobId);
    // Anything else already there (waiting, active, completed) is this member's job: do not add it twice.
    if (state === 'failed' || state === 'unknown') await this.add(p);
    await this.check(p);
  }

  private add(p: Pending): Promise<unknown> {
    // Settled jobs are removed once persisted; these ages only bound what an orchestrator that never
    // comes back leaves in Redis (a resume within them collects the finished members).
    const keep = { age: QUEUE_EXECUTOR_DEFAULTS.keepFinishedS };
    return this.queue.add('member', p.data, { jobId: p.jobId, removeOnComplete: keep, removeOnFail: keep });
  }

  /**
   * Settles `p` from the job's state in Redis; re-adds a job that Redis no longer has. `p` may settle
   * (an event) while this awaits, and its job then goes: look again before adding anything.
   */
  private async check(p: Pending): Promise<void> {
    if (p.settled) return;
    const state = await this.queue.getJobState(p.jobId);
    if (p.settled) return;
    if (state === 'unknown') {
      await this.add(p);
    } else if (state === 'completed' || state === 'failed') {
      const job = await Job.fromId(this.queue, p.jobId);
      if (p.settled) return;
      if (!job) return void (await this.add(p));
      if (state === 'completed') this.complete(p.jobId, job.returnvalue);
      else this.fail(p.jobId, job.failedReason || 'failed without a reason');
    }
  }

  private async reconcile(): Promise<void> {
    if (this.reconciling || this.closed) return;
    this.reconciling = true;
    try {
      await Promise.all([...this.pending.values()].map((p) => this.check(p).catch(() => {})));
    } finally {
      this.reconciling = false;
    }
  }

  private complete(jobId: string, value: unknown): void {
    const p = this.pending.get(jobId);
    if (!p || p.settled) return;
    let result: TaskResult;
    try {
      result = decodeTaskResult(value, jobId);
    } catch (err) {
      return this.settle(p, err as Error);
    }
    this.settle(p, result);
  }

  private fail(jobId: string, reason: string): void {
    const p = this.pending.get(jobId);
    if (p && !p.settled) this.settle(p, new Error(reason.split('\n')[0]));
  }

  private settle(p: Pending, outcome: TaskResult | Error): void {
    if (p.settled) return;
    p.settled = true;
    this.pending.delete(p.jobId);
    if (outcome instanceof Error) p.reject(outcome);
    else p.resolve(outcome);
    // After the scheduler's then-callbacks (microtasks) have persisted the member: only then may the
    // job go. remove() leaves an active job (locked) alone; an abandoned one then finishes and a
    // resume collects it.
    setImmediate(() => this.chore(this.queue.remove(p.jobId).catch(() => 0)));
  }

  private chore(p: Promise<unknown>): void {
    this.chores.add(p);
    void p.finally(() => this.chores.delete(p));
  }

  /** Stops listening; pending jobs are given up (removed unless a worker is on them). The link stays open. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    const { events } = this.link;
    events.off('completed', this.onCompleted);
    events.off('failed', this.onFailed);
    events.off('progress', this.onProgress);
    (await this.queue.client).off('ready', this.onReady);
    for (const p of [...this.pending.values()]) this.settle(p, new Error('queue executor closed'));
    // Let the removals scheduled by settle() start, then give Redis a bounded time to take them.
    await new Promise((r) => setImmediate(r));
    await Promise.race([Promise.allSettled([...this.chores]), sleep(QUEUE_EXECUTOR_DEFAULTS.closeTimeoutMs)]);
  }
}
