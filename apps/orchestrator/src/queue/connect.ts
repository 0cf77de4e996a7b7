// Reaching Redis at start. BullMQ's clients retry forever (what a long-lived worker wants through a
// Redis restart), so a wrong host would hang and a wrong password would retry without end. A probe
// with a client of our own that does not retry comes first: it fails in one line naming the URL
// (password hidden) with Redis's or the socket's own reason. Only then are BullMQ's clients made.
import { Redis, type RedisOptions } from 'ioredis';

/** What BullMQ's Queue, QueueEvents and Worker have in common. */
export interface RedisClientOwner {
  waitUntilReady(): Promise<unknown>;
  on(event: 'error', listener: (err: Error) => void): unknown;
}

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0];

/** Connects once (no retry), authenticates and pings; throws `URL: reason`. */
export async function probeRedis(options: RedisOptions, shownUrl: string, timeoutMs: number): Promise<void> {
  let last: unknown;
  const client = new Redis({ ...options, lazyConnect: true, retryStrategy: () => null, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false });
  // The socket's or Redis's reason (ECONNREFUSED, WRONGPASS, a refused certificate) comes as an
  // 'error' event; connect() itself then only says the connection closed.
  client.on('error', (err) => (last ??= err));
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new Error(`${shownUrl}: ${firstLine(last ?? err)}`);
  } finally {
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
