// npm run bench -- queue  [--quick] [--members N] [--iters I] [--method M] [--case DIR] [--grid N] [--repeat R]
// Issue 8 figures: throughput of the same ensemble in local mode (`ldinv invert --workers 2`) and in
// queue mode (`ldinv invert --queue` served by two `ldinv worker --workers 1` processes on this
// machine, through a throw-away redis-server on a loopback port), their ratio (target: queue >= 0.9 x
// local), and the queue's overhead per member. Each run is a fresh `ldinv invert` process; workers
// start before it and build their pool at their first job, as the local pool does at run start.
// Workload as `npm run bench -- ensemble`: pixel/rml on a noise-free 128x128 bimaterial case, batch 1.
// --write-docs writes the table into docs/BENCHMARKS.md, block queue (or queue/VARIANT; bench-docs.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { basename } from 'node:path';
import { haveRedisServer, startLocalRedis } from '@ldinv/orchestrator';
import { docsRequested, figureValue, findFigure, variantName, writeBenchDocs, type Figure } from './bench-docs.ts';
import { benchCase, flag, LDINV_BIN, runInvert, type InvertRun } from './invert-runs.ts';

const argv = process.argv;
const quick = argv.includes('--quick');
const members = Number(flag('members', quick ? '6' : '12'));
const iters = Number(flag('iters', quick ? '50' : '200'));
const method = flag('method', 'pixel');
const grid = Number(flag('grid', quick ? '64' : '128'));
const repeat = Number(flag('repeat', '1'));
const WORKERS = 2;
const givenCase = argv.includes('--case') ? flag('case', '') : '';
// Any workload but the default writes a block of its own, so a trial run never overwrites the table.
const variant = variantName([
  method !== 'pixel' && method, givenCase ? basename(givenCase) : grid !== 128 && `sim${grid}`, members !== 12 && `${members}members`, iters !== 200 && `${iters}iters`,
]);
const writeDocs = docsRequested('queue', variant);
const figures: Figure[] = [];

function emit(figure: string, value: number, extra: Record<string, unknown> = {}): void {
  const line = { bench: 'queue', figure, value: Number(value.toPrecision(4)), method, members, iters, grid, ...extra };
  figures.push(line);
  console.log(JSON.stringify(quick ? { ...line, quick: true } : line));
}

/** An `ldinv worker` process, resolved once it is connected and waiting for jobs. */
function startWorker(url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [LDINV_BIN, 'worker', '--queue', url, '--workers', '1', '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('"worker-ready"')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`ldinv worker exited (code ${code}) before it was ready`)));
  });
}

const stop = (child: ChildProcess) => new Promise<void>((resolve) => {
  if (child.exitCode !== null) return resolve();
  child.once('exit', () => resolve());
  child.kill('SIGTERM');
});

if (!haveRedisServer()) {
  process.stderr.write('bench queue: redis-server is not on PATH (apt-get install redis-server)\n');
  process.exit(1);
}
const caseDir = benchCase(grid);
const redis = await startLocalRedis();
const runs: { local: InvertRun; queue: InvertRun }[] = [];
try {
  for (let k = 0; k < repeat; k++) {
    // batch 1 in both: a queue job is one member, so local mode gets the same granularity.
    const local = runInvert(caseDir, { members, iters, method, label: `local${k}`, args: ['--workers', String(WORKERS), '--batch', '1'] });
    const workers = await Promise.all(Array.from({ length: WORKERS }, () => startWorker(redis.url)));
    let queue: InvertRun;
    try {
      queue = runInvert(caseDir, { members, iters, method, label: `queue${k}`, args: ['--queue', redis.url] });
    } finally {
      await Promise.all(workers.map(stop));
    }
    runs.push({ local, queue });
  }
} finally {
  await redis.stop();
}

const mean = (f: (r: InvertRun) => number, mode: 'local' | 'queue') => runs.reduce((s, r) => s + f(r[mode]), 0) / runs.length;
for (const mode of ['local', 'queue'] as const) {
  const extra = { mode, workers: WORKERS, runs: repeat };
  emit('members per minute (wall)', mean((r) => r.perMinute, mode), extra);
  emit('members per minute (after worker start-up)', mean((r) => r.steadyPerMinute, mode), extra);
  emit('worker start-up ms', mean((r) => r.startupMs, mode), extra);
  // Local: pool dispatch + transfer + persistence. Queue: from a worker taking the job to its pool
  // starting it, plus completion, event, decoding and persistence (waiting in the queue excluded).
  emit('overhead per member ms', mean((r) => r.session.overheadMs / members, mode), extra);
  emit('task ms per member (in the worker)', mean((r) => r.session.taskMs / members, mode), extra);
  emit('orchestrator CPU ms per member', mean((r) => r.session.cpuMs / members, mode), { ...extra, loadavg1: Number(loadavg()[0].toFixed(2)) });
}
// Runs alternate local, queue, local, ...; the median of each pair's ratio resists a load that other
// processes put on the machine during one run only.
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)];
const ratio = (f: (r: InvertRun) => number) => median(runs.map((r) => f(r.queue) / f(r.local)));
emit('queue / local throughput (wall)', ratio((r) => r.perMinute), { target: '>= 0.9', pairs: runs.map((r) => Number((r.queue.perMinute / r.local.perMinute).toFixed(3))) });
emit('queue / local throughput (after start-up)', ratio((r) => r.steadyPerMinute), { target: '>= 0.9' });
// What the measured overheads allow on an idle machine: a worker slot holds a member for its task
// time T plus the overhead (all of it counted, though the return path overlaps the next member).
const T = mean((r) => r.session.taskMs / members, 'queue');
emit('queue / local throughput (from overheads)', (T + mean((r) => r.session.overheadMs / members, 'local')) / (T + mean((r) => r.session.overheadMs / members, 'queue')), { target: '>= 0.9', taskMs: Math.round(T) });

if (writeDocs) {
  const both = (figure: string, scale = 1) => (['local', 'queue'] as const).map((mode) => figureValue(figures, figure, { mode }) * scale);
  const pairs = findFigure(figures, 'queue / local throughput (wall)').pairs as number[];
  writeBenchDocs({
    bench: 'queue', variant,
    tables: [{
      caption: `${method}/rml on ${givenCase ? `\`${givenCase}\`` : `a noise-free ${grid}² bimaterial case`}, ${members} members, ${iters} iterations: `
        + `\`ldinv invert --workers ${WORKERS}\` against \`ldinv invert --queue\` served by ${WORKERS} \`ldinv worker --workers 1\` through a local redis-server, `
        + `${repeat} run${repeat > 1 ? 's' : ''} of each, alternating. Target: queue ≥ 0.9 of local throughput.`,
      columns: ['figure', 'local', 'queue'],
      rows: [
        [`members per minute (wall, mean of ${repeat})`, ...both('members per minute (wall)')],
        ['members per minute (after worker start-up)', ...both('members per minute (after worker start-up)')],
        [`queue / local throughput (wall), median of the pairs (${pairs.join(', ')})`, null, figureValue(figures, 'queue / local throughput (wall)')],
        ['queue / local throughput (after start-up)', null, figureValue(figures, 'queue / local throughput (after start-up)')],
        ['queue / local throughput the overheads allow on an idle machine', null, figureValue(figures, 'queue / local throughput (from overheads)')],
        ['overhead per member, ms (local: dispatch + transfer + persistence; queue: job taken → member started, plus member done → stored)', ...both('overhead per member ms')],
        ['member compute time in the worker, s', ...both('task ms per member (in the worker)', 1e-3)],
        ['worker start-up, s', ...both('worker start-up ms', 1e-3)],
        // Local mode's process CPU includes its worker threads: not the orchestrator's share.
        ['orchestrator CPU per member, ms', null, figureValue(figures, 'orchestrator CPU ms per member', { mode: 'queue' })],
      ],
    }],
  });
}
