// ldinv invert: an ensemble inversion of a case on a worker pool (or one process per device),
// resumable, then aggregated into ensemble maps, figures, summary.json and report.html.
import type { Command } from 'commander';
import { aggregateRun } from '../../aggregate/aggregate-run.ts';
import { autoBatch, BACKENDS, INVERT_DEFAULTS, METHODS, MODES, type InvertConfig } from '../../run/config.ts';
import { prepareNewRun, prepareResume, type PreparedRun } from '../../run/prepare-run.ts';
import { executeRun } from '../../run/run-invert.ts';
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
  seed?: string;
  devices?: string;
  backend?: string;
  maxMisfit?: string;
  maxAttempts?: string;
  out?: string;
  resume?: string | boolean;
  json?: boolean;
}

/** An error that sets the exit code (main.ts prints its one line). */
export class ExitError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

export function registerInvert(program: Command): void {
  const d = INVERT_DEFAULTS;
  program
    .command('invert')
    .description('invert a case with an ensemble of members on a worker pool; writes runs/NAME (members, ensemble, figures, report.html)')
    .option('--case <dir>', 'case directory: case.json, obs.csv [, truth_logk.npy]')
    .option('--prior <name|dir>', 'prior for ldim/vae (default: the case\'s "prior")')
    .option('--method <m>', `${METHODS.join(' | ')} (default ${d.method})`)
    .option('--mode <m>', `${MODES.join(' | ')} (default ${d.mode})`)
    .option('--members <n>', `ensemble size (default ${d.members})`)
    .option('--workers <n>', `worker threads per process (default: available cores, ${d.workers} here)`)
    .option('--batch <n>', `members optimised together in one task (default: members / (2 x workers), at most ${d.batch})`)
    .option('--iters <n>', `optimiser iterations per member (default ${d.iters})`)
    .option('--seed <s>', `run seed; member m uses a seed derived from (seed, m) (default ${d.seed})`)
    .option('--devices <list>', "'cpu' (one local pool, default) or GPU ids 0,1,...: one worker process per id")
    .option('--backend <b>', `${BACKENDS.join(' | ')} (default ${d.backend})`)
    .option('--max-misfit <x>', `leave members with final chi2/M above this out of the statistics (default ${d.maxMisfit})`)
    .option('--max-attempts <n>', `attempts per member before it is recorded as failed (default ${d.maxAttempts})`)
    .option('--out <dir>', 'run directory to create (runs/NAME)')
    .option('--resume [dir]', 'continue the run in dir (or --out): only members without a result run')
    .option('--json', 'print one JSON event per line instead of the progress bar')
    .action(async (o: InvertOptionValues) => {
      await invertCommand(o);
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

export function prepareFromOptions(o: InvertOptionValues): PreparedRun {
  const given = explicitOptions(o);
  if (o.resume !== undefined && o.resume !== false) {
    const dir = typeof o.resume === 'string' ? o.resume : o.out;
    if (!dir) throw new Error('--resume needs the run directory: --resume runs/NAME (or --out runs/NAME --resume)');
    if (typeof o.resume === 'string' && o.out !== undefined && o.out !== o.resume) {
      throw new Error(`--resume ${o.resume} and --out ${o.out} name different runs`);
    }
    return prepareResume(dir, given);
  }
  if (!o.out) throw new Error('--out <dir> is required (the run directory to create)');
  if (!given.case) throw new Error('--case <dir> is required');
  const members = given.members ?? INVERT_DEFAULTS.members;
  const workers = given.workers ?? INVERT_DEFAULTS.workers;
  const batch = given.batch ?? autoBatch(members, workers * (given.devices?.length ?? 1));
  return prepareNewRun(o.out, { ...INVERT_DEFAULTS, ...given, batch, case: given.case });
}

/** Runs (or resumes) and aggregates; resolves with the report path. */
export async function invertCommand(o: InvertOptionValues, out: NodeJS.WriteStream = process.stdout): Promise<string> {
  const run = prepareFromOptions(o);
  const mode = viewMode(o.json ?? false, out);
  const view = createProgressView(mode, run.manifest.config.iters, out);
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
    outcome = await executeRun(run, { listeners: [view.listener], signal: ctrl.signal });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    view.stop();
  }
  const dir = run.store.paths.dir;
  if (outcome.status === 'interrupted') {
    const { done, members } = run.manifest.counts;
    throw new ExitError(`interrupted: ${done} of ${members} members on disk; resume with: ldinv invert --resume ${dir}`, 130);
  }
  if (outcome.status !== 'complete') throw new Error(`${run.store.paths.runJson}: run ended ${outcome.status} (${run.manifest.reason ?? ''})`);
  const agg = aggregateRun(dir);
  if (agg.result.included.length === 0) {
    const first = agg.result.failed[0]?.error ?? `every member's chi2/M is above --max-misfit ${run.manifest.config.maxMisfit}`;
    throw new Error(`no member in the ensemble statistics (${agg.result.failed.length} failed; first: ${first}); see ${agg.reportPath}`);
  }
  if (mode === 'json') out.write(`${JSON.stringify({ type: 'report', path: agg.reportPath, summary: agg.summaryPath })}\n`);
  else out.write(`${agg.reportPath}\n`);
  return agg.reportPath;
}
