// Reaching Redis at start. BullMQ's clients retry forever (what a long-lived worker wants through a
// Redis restart), so a wrong host would hang and a wrong password would retry without end. A probe
// with a client of our own comes first: it fails in one line naming the URL (password hidden) with
// Redis's or the socket's own reason. Only then are BullMQ's clients made. The orchestrator's probe
// tries once; a worker's retries while nobody answers (Redis restarting, not up yet) for a while.
import { Redis, type RedisOptions } from 'ioredis';
import { firstLine } from '@ldinv/runs';

/** What BullMQ's Queue, QueueEvents and Worker have in common. */
export interface RedisClientOwner {
  waitUntilReady(): Promise<unknown>;
  on(event: 'error', listener: (err: Error) => void): unknown;
}


/** ms between a worker's connection attempts while Redis does not answer. */
export const PROBE_RETRY_MS = 500;

/**
 * Socket-level failures: nothing answers at that address, for now. Retrying may help; it cannot
 * change a reply from Redis (WRONGPASS) or a refused certificate, which carry no such code.
 */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH', 'ENETDOWN', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

export const isUnreachable = (err: unknown): boolean => UNREACHABLE_CODES.has(String((err as { code?: unknown } | undefined)?.code));

/** Seconds as a message shows them: 60 s, 2.5 s. */
export const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;

/** `URL: unreachable for N s (last error: ...)`, the message of a worker that gives up on Redis. */
export function unreachableError(shownUrl: string, ms: number, last: unknown): Error {
  return new Error(`${shownUrl}: unreachable for ${seconds(ms)} (${last === undefined ? 'no answer' : `last error: ${firstLine(last)}`})`);
}

export interface ProbeRetry {
  /** Called with each new reason to try again (the same reason again is not repeated). */
  onError?: (err: Error) => void;
}

/**
 * Connects, authenticates and pings, all within `timeoutMs` (a server that accepts the connection but
 * never answers counts: ioredis's connectTimeout covers only the socket). Throws `URL: reason`.
 * With `retry`, a connection nobody answers is tried again until `timeoutMs` has passed, and then
 * throws `URL: unreachable for N s (...)`; Redis's own refusal still throws at once.
 */
export async function probeRedis(options: RedisOptions, shownUrl: string, timeoutMs: number, retry?: ProbeRetry): Promise<void> {
  const start = Date.now();
  let last: Error | undefined;
  // The first reason of each attempt: the socket's or Redis's (ECONNREFUSED, WRONGPASS, a refused
  // certificate) comes as an 'error' event; what follows it only says the connection closed.
  let attempt: Error | undefined;
  const client = new Redis({
    ...options, lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false,
    // ioredis asks after each closed connection: a delay tries again, null ends the client ('end').
    retryStrategy: () => {
      const left = timeoutMs - (Date.now() - start);
      return retry && isUnreachable(attempt) && left > 0 ? Math.min(PROBE_RETRY_MS, left) : null;
    },
  });
  client.on('error', (err) => {
    if (attempt) return;
    attempt = err;
    if (retry && isUnreachable(err) && err.message !== last?.message) retry.onError?.(err);
    last = err;
  });
  client.on('reconnecting', () => (attempt = undefined));
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      (async () => {
        const ready = new Promise<void>((resolve, reject) => {
          client.once('ready', resolve);
          client.once('end', () => reject(last ?? new Error('connection closed')));
        });
        // connect() rejects at the first closed connection even when ioredis tries again: 'ready' or 'end' decides.
        client.connect().catch(() => {});
        await ready;
        await client.ping();
      })(),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(last ?? new Error(`no answer in ${seconds(timeoutMs)}`)), timeoutMs))),
    ]);
  } catch (err) {
    if (retry && (last === undefined || isUnreachable(last))) throw unreachableError(shownUrl, Date.now() - start, last);
    throw new Error(`${shownUrl}: ${firstLine(last ?? err)}`);
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

/**
 * Waits until every owner's client is ready. Each gets an 'error' listener for its whole life: an
 * 'error' event without one would end the process, and Redis going away for a while is not fatal.
 */
export async function waitUntilReady(owners: RedisClientOwner[], onError: (err: Error) => void = () => {}): Promise<void> {
  for (const o of owners) o.on('error', onError);
  await Promise.all(owners.map((o) => o.waitUntilReady()));
}
