// `--queue redis://[user:password@]host[:port][/db]` (or rediss:// for TLS) as connection options for
// BullMQ. A password never reaches a log, run.json or an error message: everything prints redactUrl().
// TLS verifies the server against the system CAs; a private CA is added with NODE_EXTRA_CA_CERTS.
import type { RedisOptions } from 'ioredis';

export const DEFAULT_REDIS_PORT = 6379;

/** The URL with its password replaced by `***`, for messages and run.json. */
export function redactUrl(text: string): string {
  try {
    const u = new URL(text);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    // Not a URL: hide everything up to the last '@', which could be credentials.
    return text.replace(/^.*@/, '***@');
  }
}

/**
 * The queue URL of a command's options: `--queue`, or `--redis`, the name docs/DESIGN.md gives it (either
 * spelling works; both with different URLs is an error).
 */
export function queueUrlOption(o: { queue?: string; redis?: string }): string | undefined {
  if (o.queue !== undefined && o.redis !== undefined && o.queue !== o.redis) {
    throw new Error(`--queue ${redactUrl(o.queue)} and --redis ${redactUrl(o.redis)}: they name the same thing, give one`);
  }
  return o.queue ?? o.redis;
}

export function redisOptions(text: string): RedisOptions {
  const shown = redactUrl(text);
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new Error(`--queue ${shown}: not a URL; expected redis://[user:password@]host[:port][/db] or rediss://...`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new Error(`--queue ${shown}: scheme must be redis: or rediss: (TLS), got ${u.protocol}`);
  }
  if (u.hostname === '') throw new Error(`--queue ${shown}: no host`);
  if (u.search !== '' || u.hash !== '') throw new Error(`--queue ${shown}: query and fragment are not supported`);
  const port = u.port === '' ? DEFAULT_REDIS_PORT : Number(u.port);
  const dbText = u.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!/^\d*$/.test(dbText) || !Number.isInteger(db)) throw new Error(`--queue ${shown}: database must be a number after the host (/0), got '${dbText}'`);
  // IPv6 literals come bracketed ([::1]); the socket wants them bare.
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    host, port, db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    // tls.connect checks the certificate against `host`.
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    // BullMQ's rule for long-lived clients: commands wait through a reconnect instead of failing.
    maxRetriesPerRequest: null,
  };
}
