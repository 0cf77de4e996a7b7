// A throw-away redis-server on a free loopback port, for the queue tests and `npm run bench -- queue`:
// no persistence (--save '' --appendonly no), its own temporary directory, optionally a password.
// restart() kills it and starts a fresh one on the same port: with no persistence, everything that
// was in Redis is gone, the harshest restart a queue can see. With `tls`, it speaks TLS only (rediss://).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REDIS_SERVER = 'redis-server';

/** Whether `redis-server` runs here (Debian: apt-get install redis-server). */
export function haveRedisServer(): boolean {
  return spawnSync(REDIS_SERVER, ['--version'], { stdio: 'ignore' }).status === 0;
}

export interface LocalRedisOptions {
  password?: string;
  /** PEM files: the server's certificate and key, and the CA that signed it. */
  tls?: { cert: string; key: string; ca: string };
}

export interface LocalRedis {
  /** redis://[:password@]127.0.0.1:PORT/0 (rediss:// with TLS) */
  url: string;
  port: number;
  /** Kills the server (SIGKILL) and starts an empty one on the same port. */
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function launch(port: number, dir: string, { password, tls }: LocalRedisOptions): Promise<ChildProcess> {
  const args = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'];
  if (tls) {
    args.push('--port', '0', '--tls-port', String(port), '--tls-cert-file', tls.cert, '--tls-key-file', tls.key, '--tls-ca-cert-file', tls.ca, '--tls-auth-clients', 'no');
  } else {
    args.push('--port', String(port));
  }
  if (password) args.push('--requirepass', password);
  const child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => fail(new Error(`redis-server on port ${port}: not ready after 10 s\n${log}`)), 10_000);
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    const onExit = (code: number | null) => fail(new Error(`redis-server on port ${port} exited (code ${code})\n${log}`));
    child.once('error', fail);
    child.once('exit', onExit);
    const onData = (d: Buffer) => {
      log += d.toString();
      if (log.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.off('exit', onExit);
        child.stdout!.off('data', onData);
        // Keep draining its log, so a chatty server never blocks on a full pipe.
        child.stdout!.resume();
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  });
}

function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

export async function startLocalRedis(opts: LocalRedisOptions = {}): Promise<LocalRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'ldinv-redis-'));
  const port = await freePort();
  let child = await launch(port, dir, opts);
  return {
    url: `${opts.tls ? 'rediss' : 'redis'}://${opts.password ? `:${encodeURIComponent(opts.password)}@` : ''}127.0.0.1:${port}/0`,
    port,
    async restart(downMs = 500) {
      await kill(child, 'SIGKILL');
      await new Promise((r) => setTimeout(r, downMs));
      child = await launch(port, dir, opts);
    },
    async stop() {
      await kill(child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
