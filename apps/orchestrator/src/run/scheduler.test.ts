// The submit role against an in-process executor whose failures are scripted, so retries, the attempt
// bound, persistence order and interruption are checked without threads.
import { describe, expect, it } from 'vitest';
import type { Executor } from '../pool/executor.ts';
import type { MemberTask, ProgressSink, TaskResult } from '../member/task.ts';
import { type MemberRecord, memberSeed } from '@ldinv/runs';
import { RunEvents, type RunEvent } from './events.ts';
import { runScheduled } from './scheduler.ts';

/** Runs tasks in-process: member m's "result" is a field filled with its seed; `failing(m, attempt)` scripts failures. */
class ScriptedExecutor implements Executor {
  readonly tasks: MemberTask[] = [];
  maxInFlight = 0;
  private inFlight = 0;

  constructor(readonly slots: number, private readonly failing: (member: number, attempt: number) => boolean = () => false) {}

  async run(task: MemberTask, progress: ProgressSink, signal: AbortSignal): Promise<TaskResult> {
    this.tasks.push(task);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((r) => setTimeout(r, 2));
      if (signal.aborted) throw new Error('aborted');
      if (task.members.some((m) => this.failing(m.index, task.attempt))) throw new Error(`worker died running ${task.members.map((m) => m.index)}`);
      const t = performance.timeOrigin + performance.now();
      return {
        id: task.id, backend: 'test', worker: 'w', startedAt: new Date().toISOString(), startEpochMs: t, endEpochMs: t, initMs: 0,
        members: task.members.map((m) => {
          progress.report(m.index, 0, 5, 0);
          return {
            index: m.index, seed: m.seed, grid: { nx: 2, ny: 1 }, logK: Float64Array.of(m.seed, -m.seed), heads: [new Float64Array(2)],
            predicted: new Float64Array(1), misfit: 1, regulariser: 0, iterations: 1, stopReason: 'max-iterations',
            history: { iteration: Int32Array.of(0), misfit: Float64Array.of(1), regulariser: Float64Array.of(0) },
          };
        }),
      };
    } finally {
      this.inFlight--;
    }
  }

  async close() {}
}

function setup(executor: Executor, members: number, opts: { batch?: number; maxAttempts?: number; signal?: AbortSignal } = {}) {
  const events = new RunEvents();
  const log: RunEvent[] = [];
  events.on((e) => log.push(e));
  const persisted: MemberRecord[] = [];
  const order: string[] = [];
  events.on((e) => {
    if (e.type === 'member-done' || e.type === 'member-failed') order.push(`event ${e.member}`);
  });
  const run = runScheduled({
    executor, events, batch: opts.batch ?? 2, maxAttempts: opts.maxAttempts ?? 3,
    members: Array.from({ length: members }, (_, index) => ({ index, seed: memberSeed(7, index) })),
    persist: (r) => {
      persisted.push(r);
      order.push(`persist ${r.index}`);
    },
    signal: opts.signal ?? new AbortController().signal,
  });
  return { run, log, persisted, order };
}

describe('runScheduled', () => {
  it('runs every member once in batches, never more tasks in flight than slots, persisting before announcing', async () => {
    const ex = new ScriptedExecutor(2);
    const { run, persisted, order, log } = setup(ex, 7, { batch: 3 });
    const out = await run;
    expect(out.done).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(out.failed).toEqual([]);
    expect(ex.tasks.map((t) => t.members.map((m) => m.index))).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(ex.maxInFlight).toBe(2);
    expect(persisted.map((r) => r.status)).toEqual(Array(7).fill('done'));
    for (let m = 0; m < 7; m++) expect(order.indexOf(`persist ${m}`)).toBeLessThan(order.indexOf(`event ${m}`));
    // Seeds come from (run seed, index) only.
    expect(persisted.map((r) => r.seed).sort()).toEqual(Array.from({ length: 7 }, (_, m) => memberSeed(7, m)).sort());
    expect(log.filter((e) => e.type === 'progress')).toHaveLength(7);
  });

  it('retries the members of a failed task one by one, so a batch-mate of a bad member still finishes', async () => {
    // Member 2 fails on every attempt; member 4 only on its first.
    const ex = new ScriptedExecutor(2, (m, attempt) => m === 2 || (m === 4 && attempt === 0));
    const { run, persisted, log } = setup(ex, 6, { batch: 3, maxAttempts: 3 });
    const out = await run;
    expect(out.done).toEqual([0, 1, 3, 4, 5]);
    expect(out.failed).toEqual([2]);
    const failed = persisted.find((r) => r.index === 2)!;
    expect(failed).toMatchObject({ status: 'failed', attempts: 3, error: 'worker died running 2' });
    expect(failed.status === 'failed' && failed.errors).toEqual(['worker died running 0,1,2', 'worker died running 2', 'worker died running 2']);
    // Member 2 ran 3 times (bounded), its batch-mates 0 and 1 twice (batch, then alone).
    const runs = (m: number) => ex.tasks.filter((t) => t.members.some((s) => s.index === m)).length;
    expect([runs(0), runs(1), runs(2), runs(4)]).toEqual([2, 2, 3, 2]);
    expect(persisted.find((r) => r.index === 0)!.attempts).toBe(2);
    expect(log.filter((e) => e.type === 'member-retry').map((e) => e.type === 'member-retry' && [e.member, e.attempt]))
      .toEqual([[0, 1], [1, 1], [2, 1], [3, 1], [4, 1], [5, 1], [2, 2]]);
  });

  it('stops dispatching on abort and leaves unfinished members unrecorded', async () => {
    const ctrl = new AbortController();
    const ex = new ScriptedExecutor(1);
    const { run, persisted, log } = setup(ex, 10, { batch: 1, signal: ctrl.signal });
    log.push = ((orig) =>
      function (this: RunEvent[], ...e: RunEvent[]) {
        if (e.some((x) => x.type === 'member-done' && x.member === 2)) ctrl.abort();
        return orig.apply(this, e);
      })(log.push);
    const out = await run;
    expect(out.interrupted).toBe(true);
    expect(out.done).toEqual([0, 1, 2]);
    expect(persisted).toHaveLength(3);
    expect(ex.tasks.length).toBeLessThanOrEqual(4);
  });

  it('counts dispatch overhead from when a queue worker took the job, not the wait in the queue before', async () => {
    /** Each task waits 60 ms "in a queue" before a worker takes it; `pickedUp` says whether it reports when. */
    class Queued extends ScriptedExecutor {
      constructor(private readonly pickedUp: boolean) {
        super(Number.POSITIVE_INFINITY);
      }

      override async run(task: MemberTask, progress: ProgressSink, signal: AbortSignal): Promise<TaskResult> {
        await new Promise((r) => setTimeout(r, 60));
        const result = await super.run(task, progress, signal);
        return this.pickedUp ? { ...result, pickedUpEpochMs: result.startEpochMs } : result;
      }
    }
    const queued = await setup(new Queued(true), 3, { batch: 1 }).run;
    const waited = await setup(new Queued(false), 3, { batch: 1 }).run;
    expect(queued.done).toEqual([0, 1, 2]);
    expect(waited.overheadMs).toBeGreaterThanOrEqual(3 * 55);
    expect(queued.overheadMs).toBeLessThan(30);
  });

  it('rejects a bad attempt bound', async () => {
    const { run } = setup(new ScriptedExecutor(1), 1, { maxAttempts: 0 });
    await expect(run).rejects.toThrow('maxAttempts must be an integer >= 1, got 0');
  });
});
