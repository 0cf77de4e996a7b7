// `ldinv worker` leaves when its Redis is gone: on SIGTERM, within seconds, and on its own after
// --unreachable-timeout, at start or later. Each test stops a redis-server of its own (killing it
// would not differ: the worker sees its connections closed and new ones refused).
import { afterEach, describe, expect, it } from 'vitest';
import { haveRedisServer, startLocalRedis, type LocalRedis } from './local-redis.ts';
import { spawnWorker, started, type WorkerProcess } from './queue-process.fixture.ts';
import type { Finished } from '../testing/ldinv-process.fixture.ts';

const HAVE_REDIS = haveRedisServer();
const suite = HAVE_REDIS ? describe : describe.skip;
/** Seconds a worker may take to leave beyond what it is asked for (a loaded CI machine). */
const SLACK_S = 10;

let redis: LocalRedis | null = null;
/** A redis-server that is stopped, its URL (with a password) now refused. */
async function goneRedis(): Promise<{ url: string; port: number }> {
  redis = await startLocalRedis({ password: 'gone pw' });
  await redis.stop();
  return redis;
}

const seconds = (from: number) => (performance.now() - from) / 1000;

/** The worker's exit, or an error once it has run `limitS` seconds more (afterEach then kills it). */
function exitWithin(w: WorkerProcess, limitS: number): Promise<Finished> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`worker ${w.child.pid} still running ${limitS} s later; events: ${JSON.stringify(w.events)}`)), limitS * 1000);
  });
  return Promise.race([w.done, late]).finally(() => clearTimeout(timer));
}
/** The one-line error of a worker that gave up, password hidden. */
const unreachableLine = (port: number) =>
  new RegExp(`^ldinv: redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}/0: unreachable for \\d+(\\.\\d)? s \\(last error: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\)\\n$`);

afterEach(async () => {
  for (const child of started) child.kill('SIGKILL');
  await redis?.stop();
  redis = null;
});

suite(`worker without Redis${HAVE_REDIS ? '' : ' (skipped: redis-server is not on PATH; apt-get install redis-server)'}`, () => {
  it('an idle worker whose Redis was stopped leaves on SIGTERM within seconds, exit code 0', async () => {
    redis = await startLocalRedis({ password: 'gone pw' });
    const w = spawnWorker(redis.url, ['--workers', '1']);
    await w.waitFor('worker-ready');
    await redis.stop();
    // It has seen Redis go (a reconnection refused) before the signal.
    await w.waitFor('redis-error', (e) => e.error.includes('ECONNREFUSED'));
    w.child.kill('SIGTERM');
    const r = await exitWithin(w, SLACK_S);
    expect({ code: r.code, signal: r.signal }).toEqual({ code: 0, signal: null });
    expect(w.events.at(-1)).toEqual({ type: 'worker-stop', done: 0, failed: 0 });
    expect(r.stderr).toBe('');
  });

  it('a worker started against a Redis that is gone exits with code 1 after --unreachable-timeout, in one line', async () => {
    const { url, port } = await goneRedis();
    const w = spawnWorker(url, ['--workers', '1', '--unreachable-timeout', '2']);
    // Timed from its first failed connection: starting Node itself may take seconds on a loaded machine.
    await w.waitFor('redis-error');
    const r = await exitWithin(w, 2 + SLACK_S);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(unreachableLine(port));
    expect(w.events.map((e) => e.type)).toEqual(['redis-error']);
  });

  it('a running worker whose Redis is gone exits with code 1 after --unreachable-timeout, in one line', async () => {
    redis = await startLocalRedis({ password: 'gone pw' });
    const w = spawnWorker(redis.url, ['--workers', '1', '--unreachable-timeout', '2']);
    await w.waitFor('worker-ready');
    const t0 = performance.now();
    await redis.stop();
    const r = await exitWithin(w, 2 + SLACK_S);
    expect(seconds(t0)).toBeGreaterThanOrEqual(2);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(unreachableLine(redis.port));
  });
});
