// ldinv worker --queue URL: serve the members that `ldinv invert --queue URL` enqueues, on a local
// pool, from any host that reaches Redis. SIGTERM (or Ctrl-C) finishes the running members and
// leaves; a second one leaves at once (the abandoned members stall and run elsewhere). A worker that
// cannot reach Redis for --unreachable-timeout (at start or later) leaves with an error, exit code 1.
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { QueueWorker, QUEUE_WORKER_DEFAULTS, type WorkerEvent } from '../../queue/queue-worker.ts';
import { queueUrlOption, redactUrl, redisOptions } from '../../queue/redis-url.ts';
import { INVERT_CONFIG_DEFAULTS } from '@ldinv/runs';
import { parseDevices } from '../../run/validate.ts';
import { numberOption } from '../field-options.ts';

interface WorkerOptionValues {
  queue?: string;
  redis?: string;
  workers?: string;
  devices?: string;
  priors?: string;
  cache?: string;
  lockMs?: string;
  unreachableTimeout?: string;
  json?: boolean;
}

const num = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(3)).toString() : String(v));

function describe(e: WorkerEvent): string {
  switch (e.type) {
    case 'worker-ready':
      return `worker ${e.worker} ready on ${e.queue} (${e.slots} slots)`;
    case 'job-start':
      return `job ${e.job}: member ${e.member} started (attempt ${e.attempt})`;
    case 'job-done':
      return `job ${e.job}: member ${e.member} done, chi2/M ${num(e.misfit)}, ${(e.wallMs / 1000).toFixed(1)} s`;
    case 'job-failed':
      return `job ${e.job}: failed: ${e.error}`;
    case 'job-stalled':
      return `job ${e.job}: stalled (its worker stopped renewing the lock); back in the queue`;
    case 'redis-error':
      return `redis: ${e.error}`;
    case 'worker-stop':
      return `worker stopped: ${e.done} members done, ${e.failed} failed`;
  }
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('take member jobs from a Redis queue (ldinv invert --queue) and run them on a local pool, until SIGTERM (or Redis is unreachable for --unreachable-timeout)')
    .option('--queue <url>', 'redis://[user:password@]host:port/db (or rediss:// for TLS; a private CA via NODE_EXTRA_CA_CERTS)')
    .option('--redis <url>', 'same as --queue')
    .option('--workers <n>', `worker threads (per device process with --devices) (default: available cores, ${INVERT_CONFIG_DEFAULTS.workers} here)`)
    .option('--devices <list>', "'cpu' (one local pool, default) or GPU ids 0,1,...: one worker process per id")
    .option('--priors <dir>', 'shared prior store holding <name>/manifest.json, model.json, weights.bin (searched before the job\'s prior name)')
    .option('--cache <dir>', 'where cases from jobs are written (default: $TMPDIR/ldinv-worker-<user>)')
    .option('--lock-ms <ms>', `a member whose worker stops renewing its lock for this long runs again elsewhere (default ${QUEUE_WORKER_DEFAULTS.lockMs})`)
    .option('--unreachable-timeout <s>', `seconds without reaching Redis, at start or later, after which the worker exits with code 1 (default ${QUEUE_WORKER_DEFAULTS.unreachableMs / 1000})`)
    .option('--json', 'print one JSON event per line')
    .action(async (o: WorkerOptionValues) => {
      await workerCommand({ ...o, queue: queueUrlOption(o) });
    });
}

export async function workerCommand(o: WorkerOptionValues, out: NodeJS.WriteStream = process.stdout): Promise<void> {
  if (!o.queue) throw new Error('--queue <url> is required (redis://host:port/db)');
  const connection = redisOptions(o.queue);
  const workers = o.workers === undefined ? INVERT_CONFIG_DEFAULTS.workers : numberOption('workers', o.workers, { integer: true, min: 1 });
  const lockMs = o.lockMs === undefined ? QUEUE_WORKER_DEFAULTS.lockMs : numberOption('lock-ms', o.lockMs, { integer: true, min: 100 });
  const unreachableMs =
    o.unreachableTimeout === undefined ? QUEUE_WORKER_DEFAULTS.unreachableMs : 1000 * numberOption('unreachable-timeout', o.unreachableTimeout, { min: 1 });
  const print = (e: WorkerEvent) => {
    if (o.json) out.write(`${JSON.stringify(e)}\n`);
    else (e.type === 'redis-error' ? process.stderr : out).write(`${describe(e)}\n`);
  };
  const worker = await QueueWorker.start({
    connection, shownUrl: redactUrl(o.queue), workers, devices: parseDevices(o.devices), lockMs, unreachableMs,
    priors: o.priors === undefined ? null : resolve(o.priors),
    cacheDir: resolve(o.cache ?? join(tmpdir(), `ldinv-worker-${userInfo().username}`)),
    listener: print,
  });
  const lost = await new Promise<Error | null>((done) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      // First signal: finish the running members and leave. Second: leave now; the members this worker
      // held stall (their locks expire) and run on another worker.
      if (++signals > 1) process.exit(signal === 'SIGINT' ? 130 : 143);
      void worker.stop().then(() => {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
        done(null);
      });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    void worker.lost.then(done);
  });
  if (lost) await worker.abandon();
  // Nothing of the worker's is left, but BullMQ closed without Redis keeps timers for a few seconds
  // more (its blocking-read watchdog, ioredis's disconnect timer; taskforcesh/bullmq#4656): end the
  // process once the CLI has set its exit code instead of waiting for them.
  setTimeout(() => process.exit(), 1000).unref();
  if (lost) throw lost;
}
