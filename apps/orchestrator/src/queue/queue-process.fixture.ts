// `ldinv worker --json` in a child process, its events parsed as they come, for the queue tests.
import type { ChildProcess } from 'node:child_process';
import { spawnLdinv, type Finished } from '../testing/ldinv-process.fixture.ts';
import type { WorkerEvent } from './queue-worker.ts';

export interface WorkerProcess {
  child: ChildProcess;
  events: WorkerEvent[];
  /** Resolves with the first event (from the `after`-th on) that matches; rejects after `timeoutMs`. */
  waitFor<T extends WorkerEvent['type']>(type: T, pred?: (e: Extract<WorkerEvent, { type: T }>) => boolean, after?: number, timeoutMs?: number): Promise<Extract<WorkerEvent, { type: T }>>;
  done: Promise<Finished>;
}

/** Every process a test file starts, so that afterAll can end the ones a failed test left behind. */
export const started = new Set<ChildProcess>();

/** Adds a spawned `ldinv` to `started` until it exits. */
export function track<T extends { child: ChildProcess; done: Promise<Finished> }>(p: T): T {
  started.add(p.child);
  void p.done.then(() => started.delete(p.child));
  return p;
}

export function spawnWorker(url: string, args: string[], fault?: string, extraEnv?: Record<string, string>): WorkerProcess {
  const { child, done } = track(spawnLdinv(['worker', '--queue', url, '--json', ...args], fault, extraEnv));
  const events: WorkerEvent[] = [];
  const waiters: (() => void)[] = [];
  let buffer = '';
  child.stdout!.on('data', (d: Buffer) => {
    buffer += d.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const l of lines) if (l.trim()) events.push(JSON.parse(l) as WorkerEvent);
    for (const w of waiters) w();
  });
  let exited: Finished | null = null;
  void done.then((f) => {
    exited = f;
    for (const w of [...waiters]) w();
  });
  const waitFor: WorkerProcess['waitFor'] = (type, pred = () => true, after = 0, timeoutMs = 60_000) =>
    new Promise((resolve, reject) => {
      const finish = (err: Error | null, hit?: WorkerEvent) => {
        clearTimeout(timer);
        waiters.splice(waiters.indexOf(check), 1);
        if (err) reject(err);
        else resolve(hit as never);
      };
      const check = () => {
        const hit = events.slice(after).find((e) => e.type === type && pred(e as never));
        if (hit) finish(null, hit);
        else if (exited) finish(new Error(`worker ${child.pid} exited (${exited.code ?? exited.signal}) before a ${type} event: ${exited.stderr}`));
      };
      const timer = setTimeout(() => finish(new Error(`worker ${child.pid}: no ${type} event in ${timeoutMs} ms; events: ${JSON.stringify(events)}`)), timeoutMs);
      waiters.push(check);
      check();
    });
  return { child, events, waitFor, done };
}
