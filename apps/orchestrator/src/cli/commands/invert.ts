// ldinv invert: an ensemble inversion of a case on a worker pool (or one process per device, or a
// queue that `ldinv worker`s anywhere serve), resumable, then aggregated into ensemble maps, figures,
// summary.json and report.html. With --shard I/N it is one task of a job array: its members only,
// no aggregation (`ldinv aggregate` merges the shards).
import type { Command } from 'commander';
import { ENSEMBLE_MODES, INVERSION_METHODS, LATENT_PARAMS } from '@ldinv/optim';
import { BACKEND_CHOICES, type BackendChoice } from '@ldinv/tensor';
import { aggregateRun, autoBatch, INVERT_CONFIG_DEFAULTS, type InvertConfig, parseShard, shardLabel } from '@ldinv/runs';
import { checkDeviceBackends } from '../../pool/backend-record.ts';
import { DeviceExecutor } from '../../pool/device-executor.ts';
import { QueueLink } from '../../queue/queue-executor.ts';
import { queueUrlOption, redactUrl, redisOptions } from '../../queue/redis-url.ts';
import { prepareNewRun, prepareResume, prepareShard, type PreparedRun } from '../../run/prepare-run.ts';
import { executeRun, workerConfigOf } from '../../run/run-invert.ts';
import { parseDevices } from '../../run/validate.ts';
import { numberOption } from '../field-options.ts';
import { createProgressView, viewMode } from '../progress-view.ts';

interface InvertOptionValues {
  case?: string;
  prior?: string;
  method?: string;
  mode?: string;
  members?: string;
  workers?: string;
  batch?: string;
  iters?: string;
  param?: string;
  refine?: string;
  burnIn?: string;
  steps?: string;
  thin?: string;
  initLogk?: string;
  seed?: string;
  devices?: string;
  backend?: string;
  maxMisfit?: string;
  maxAttempts?: string;
  out?: string;
  resume?: string | boolean;
  queue?: string;
  redis?: string;
  shard?: string;
  json?: boolean;
}

/** An error that sets the exit code (main.ts prints its one line). */
export class ExitError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

export function registerInvert(program: Command): void {
  const d = INVERT_CONFIG_DEFAULTS;
  program
    .command('invert')
    .description('invert a case with an ensemble of members on a worker pool; writes runs/NAME (members, ensemble, figures, report.html)')
    .option('--case <dir>', 'case directory: case.json, obs.csv [, truth_logk.npy]')
    .option('--prior <name|dir>', 'prior for ldim/vae (default: the case\'s "prior")')
    .option('--method <m>', `${INVERSION_METHODS.join(' | ')} (default ${d.method})`)
    .option('--mode <m>', `${ENSEMBLE_MODES.join(' | ')} (default ${d.mode})`)
    .option('--members <n>', `ensemble size (default ${d.members})`)
    .option('--workers <n>', `worker threads per process (default: available cores, ${d.workers} here)`)
    .option('--batch <n>', `members optimised together in one task (default: members / (2 x workers), at most ${d.batch})`)
    .option('--iters <n>', `optimiser iterations per member (default ${d.iters})`)
    .option('--param <p>', `ldim unknown: ${LATENT_PARAMS.join(' | ')} (noise: z_T of the DDIM chain) (default ${d.param})`)
    .option('--refine <n>', `ldim: pixel-space refine iterations after the latent descent, 0 = none (default ${d.refine})`)
    .option('--steps <n>', `mcmc: chain steps after burn-in (default ${d.steps})`)
    .option('--burn-in <n>', `mcmc: chain steps after the descent (--iters) that adapt the step size and are not kept (default ${d.burnIn})`)
    .option('--thin <n>', `mcmc: keep every n-th chain state after burn-in (default ${d.thin})`)
    .option('--init-logk <y>', "pixel, pinn: start level of ln K (default: the mean ln K of the training set of the prior (--prior or the case's), else 0)")
    .option('--seed <s>', `run seed; member m uses a seed derived from (seed, m) (default ${d.seed})`)
    .option('--devices <list>', "'cpu' (one local pool, default) or GPU ids 0,1,...: one worker process per id")
    .option('--backend <b>', `${BACKEND_CHOICES.join(' | ')} (default ${d.backend})`)
    .option('--max-misfit <x>', `leave members with final chi2/M above this out of the statistics (default ${d.maxMisfit})`)
    .option('--max-attempts <n>', `attempts per member before it is recorded as failed (default ${d.maxAttempts})`)
    .option('--out <dir>', 'run directory to create (runs/NAME)')
    .option('--resume [dir]', 'continue the run in dir (or --out): only members without a result run')
    .option('--queue <url>', 'redis://[user:password@]host:port/db (or rediss://): one queue job per member, run by `ldinv worker`s')
    .option('--redis <url>', 'same as --queue')
    .option('--shard <I/N>', 'job-array task I of N: run only members with index = I mod N into the shared --out; no aggregation')
    .option('--json', 'print one JSON event per line instead of the progress bar')
    .action(async (o: InvertOptionValues) => {
      await invertCommand({ ...o, queue: queueUrlOption(o) });
    });
}

/** Options given on the command line, parsed; absent ones stay undefined (a resume keeps the run's). */
function explicitOptions(o: InvertOptionValues): Partial<InvertConfig> {
  const out: Partial<InvertConfig> = {};
  const int = (name: string, text: string | undefined, min: number) => (text === undefined ? undefined : numberOption(name, text, { integer: true, min }));
  if (o.case !== undefined) out.case = o.case;
  if (o.prior !== undefined) out.prior = o.prior;
  if (o.method !== undefined) out.method = o.method as InvertConfig['method'];
  if (o.mode !== undefined) out.mode = o.mode as InvertConfig['mode'];
  if (o.backend !== undefined) out.backend = o.backend as InvertConfig['backend'];
  if (o.param !== undefined) out.param = o.param as InvertConfig['param'];
  const refine = int('refine', o.refine, 0);
  if (refine !== undefined) out.refine = refine;
  // A chain samples z_T; a refine stage after it would move its samples off the posterior.
  if (o.mode === 'mcmc') {
    if (refine) throw new Error(`--refine ${refine}: --mode mcmc has no refine stage (its samples are the chains' states)`);
    out.refine = 0;
  }
  const burnIn = int('burn-in', o.burnIn, 0);
  if (burnIn !== undefined) out.burnIn = burnIn;
  const steps = int('steps', o.steps, 1);
  if (steps !== undefined) out.steps = steps;
  const thin = int('thin', o.thin, 1);
  if (thin !== undefined) out.thin = thin;
  if (o.initLogk !== undefined) {
    const y = o.initLogk.trim() === '' ? NaN : Number(o.initLogk);
    if (!Number.isFinite(y)) throw new Error(`--init-logk must be a finite number, got '${o.initLogk}'`);
    out.initLogK = y;
  }
  const members = int('members', o.members, 1);
  if (members !== undefined) out.members = members;
  const workers = int('workers', o.workers, 1);
  if (workers !== undefined) out.workers = workers;
  const batch = int('batch', o.batch, 1);
  if (batch !== undefined) out.batch = batch;
  const iters = int('iters', o.iters, 1);
  if (iters !== undefined) out.iters = iters;
  const seed = int('seed', o.seed, 0);
  if (seed !== undefined) out.seed = seed;
  const attempts = int('max-attempts', o.maxAttempts, 1);
  if (attempts !== undefined) out.maxAttempts = attempts;
  if (o.maxMisfit !== undefined) out.maxMisfit = numberOption('max-misfit', o.maxMisfit, { min: Number.MIN_VALUE });
  if (o.devices !== undefined) out.devices = parseDevices(o.devices);
  return out;
}

/** Option combinations that cannot work, found before connecting to anything or writing anything. */
function checkSpreading(o: InvertOptionValues, given: Partial<InvertConfig>): void {
  if (o.queue === undefined) return;
  if (o.shard !== undefined) throw new Error('--shard and --queue are two ways to spread a run over machines: use one');
  if (given.workers !== undefined || given.devices !== undefined) {
    throw new Error('--workers and --devices size a local pool; with --queue give them to each `ldinv worker`');
  }
  if (given.batch !== undefined && given.batch !== 1) throw new Error(`--batch: with --queue every member is its own job, got --batch ${given.batch}`);
}

const resuming = (o: InvertOptionValues) => o.resume !== undefined && o.resume !== false;

/**
 * A new run or shard (or a resume, given `devices`) whose device processes run native TensorFlow,
 * one thread each: by default each process gets its share of the members as one batch.
 */
export function prepareFromOptions(o: InvertOptionValues, nativeDevices = false): PreparedRun {
  const given = explicitOptions(o);
  checkSpreading(o, given);
  const shard = o.shard === undefined ? null : parseShard(o.shard);
  if (resuming(o)) {
    const dir = typeof o.resume === 'string' ? o.resume : o.out;
    if (!dir) throw new Error('--resume needs the run directory: --resume runs/NAME (or --out runs/NAME --resume)');
    if (typeof o.resume === 'string' && o.out !== undefined && o.out !== o.resume) {
      throw new Error(`--resume ${o.resume} and --out ${o.out} name different runs`);
    }
    return prepareResume(dir, given, shard);
  }
  if (!o.out) throw new Error('--out <dir> is required (the run directory to create)');
  if (!given.case) throw new Error('--case <dir> is required');
  const members = given.members ?? INVERT_CONFIG_DEFAULTS.members;
  const workers = given.workers ?? INVERT_CONFIG_DEFAULTS.workers;
  const processes = given.devices?.length ?? 1;
  const batch = given.batch ?? (o.queue ? 1 : nativeDevices ? Math.ceil(members / processes) : autoBatch(members, workers * processes));
  const config = { ...INVERT_CONFIG_DEFAULTS, ...given, batch, case: given.case };
  return shard ? prepareShard(o.out, config, shard) : prepareNewRun(o.out, config);
}

/**
 * `--devices`: starts the device processes and waits until each has loaded its backend; a run that
 * asks for GPUs (backend auto or tensorflow) and gets no GPU build of TensorFlow is refused with one
 * line. Null without devices.
 */
async function openDevices(devices: string[] | null, backend: BackendChoice, workers: number): Promise<DeviceExecutor | null> {
  if (!devices) return null;
  const executor = new DeviceExecutor({ devices, workers, backend });
  try {
    const ready = await executor.open();
    checkDeviceBackends(devices, backend, ready.map((r) => r.report));
    return executor;
  } catch (err) {
    await executor.close();
    throw err;
  }
}

/** Runs (or resumes) and aggregates; resolves with the report path (a shard: with its run directory). */
export async function invertCommand(o: InvertOptionValues, out: NodeJS.WriteStream = process.stdout): Promise<string> {
  const given = explicitOptions(o);
  checkSpreading(o, given);
  // Redis first: an unreachable queue or a wrong password fails before a run directory exists.
  const queue = o.queue === undefined ? undefined : await QueueLink.open({ connection: redisOptions(o.queue), shownUrl: redactUrl(o.queue) });
  let devices: DeviceExecutor | null = null;
  try {
    // Device processes next, so a GPU run that would run on CPU is refused before run.json is written.
    // A resume's devices and backend are the run's (unless --devices is given): read without writing.
    if (!queue && !resuming(o)) {
      const d = INVERT_CONFIG_DEFAULTS;
      devices = await openDevices(given.devices ?? d.devices, given.backend ?? d.backend, given.workers ?? d.workers);
    }
    const native = devices?.backends().every((b) => b.backend === 'tensorflow') ?? false;
    const run = prepareFromOptions(o, native);
    if (!queue && resuming(o)) {
      const c = run.manifest.config;
      devices = await openDevices(c.devices, c.backend, c.workers);
    }
    devices?.configure(workerConfigOf(run));
    return await invertPrepared(run, o, out, queue, devices ?? undefined);
  } finally {
    await devices?.close();
    await queue?.close();
  }
}

async function invertPrepared(
  run: PreparedRun, o: InvertOptionValues, out: NodeJS.WriteStream, queue: QueueLink | undefined, executor: DeviceExecutor | undefined,
): Promise<string> {
  const mode = viewMode(o.json ?? false, out);
  const { iters, refine, method } = run.manifest.config;
  // A member's budget: the latent descent, then (ldim) up to `refine` refine iterations.
  const view = createProgressView(mode, iters + (method === 'ldim' ? refine : 0), out);
  const ctrl = new AbortController();
  let signals = 0;
  const onSignal = () => {
    // First Ctrl-C: stop gracefully (finished members stay on disk). Second: leave now.
    if (++signals > 1) process.exit(130);
    view.log('stopping: finished members are kept; press Ctrl-C again to quit at once');
    ctrl.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let outcome;
  try {
    outcome = await executeRun(run, { listeners: [view.listener], signal: ctrl.signal, queue, executor });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    view.stop();
  }
  const dir = run.store.paths.dir;
  if (outcome.status === 'interrupted') {
    const { done, members } = run.manifest.counts;
    const again = `ldinv invert --resume ${dir}${run.shard ? ` --shard ${shardLabel(run.shard)}` : ''}`;
    throw new ExitError(`interrupted: ${done} of ${members} members on disk; resume with: ${again}`, 130);
  }
  const where = run.shard ? `${run.store.journalPath}: shard ${shardLabel(run.shard)}` : run.store.paths.runJson;
  if (outcome.status !== 'complete') throw new Error(`${where}: run ended ${outcome.status} (${run.manifest.reason ?? ''})`);
  if (run.shard) {
    // Other shards may still be running: aggregating here would write shared files from several shards.
    const line = { type: 'shard-end', shard: shardLabel(run.shard), run: dir, done: run.manifest.counts.done, failed: run.manifest.counts.failed };
    out.write(mode === 'json' ? `${JSON.stringify(line)}\n` : `shard ${line.shard} complete: ${line.done} done, ${line.failed} failed; when all shards are, run: ldinv aggregate ${dir}\n`);
    return dir;
  }
  const agg = aggregateRun(dir);
  if (agg.result.included.length === 0) {
    const first = agg.result.failed[0]?.error ?? `every member's chi2/M is above --max-misfit ${run.manifest.config.maxMisfit}`;
    throw new Error(`no member in the ensemble statistics (${agg.result.failed.length} failed; first: ${first}); see ${agg.reportPath}`);
  }
  if (mode === 'json') out.write(`${JSON.stringify({ type: 'report', path: agg.reportPath, summary: agg.summaryPath })}\n`);
  else out.write(`${agg.reportPath}\n`);
  return agg.reportPath;
}
