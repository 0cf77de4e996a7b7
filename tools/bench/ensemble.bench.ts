// npm run bench -- ensemble  [--quick] [--members N] [--iters I] [--method M] [--case DIR] [--grid N]
// Issue 7 figures: ensemble throughput of `ldinv invert` with 1 and with 2 workers in the same run
// (members per minute, and the 2-worker speed-up; target >= 1.8x on 2 cores), the pool overhead
// (dispatch + result transfer + persistence, as a share of wall time; target < 2 %) and the peak RSS
// of the orchestrator process with its worker threads. Each configuration is a fresh `ldinv invert`
// process. Default workload: `pixel` (rml) on a simulated noise-free bimaterial case of 128x128 cells,
// so that no member stops early at the noise level and each takes seconds, as LD-DIM members do;
// --case and --method ldim measure the shipped case and prior instead.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fieldSpec, simulateCase, writeCase } from '@ldinv/fields';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'apps', 'orchestrator', 'bin', 'ldinv.js');
const argv = process.argv;
const flag = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const quick = argv.includes('--quick');
const members = Number(flag('members', quick ? '4' : '12'));
const iters = Number(flag('iters', quick ? '50' : '200'));
const method = flag('method', 'pixel');
const grid = Number(flag('grid', quick ? '64' : '128'));

function emit(figure: string, value: number, extra: Record<string, unknown> = {}): void {
  const line = { bench: 'ensemble', figure, value: Number(value.toPrecision(4)), method, members, iters, grid, ...extra };
  console.log(JSON.stringify(quick ? { ...line, quick: true } : line));
}

function benchCase(): string {
  const given = argv.includes('--case') ? flag('case', '') : '';
  if (given) {
    if (!existsSync(join(given, 'case.json'))) throw new Error(`--case ${given}: no case.json`);
    return given;
  }
  const dir = mkdtempSync(join(tmpdir(), 'ldinv-bench-case-'));
  writeCase(dir, simulateCase({
    field: fieldSpec('bimaterial'), grid: { nx: grid, ny: grid }, sensors: { layout: 'grid', count: 49 }, noise: 0, bc: 'flow', tests: [[]], seed: 1,
  }));
  return dir;
}

interface Session { wallMs: number; overheadMs: number; taskMs: number; workerInitMs: number; peakRssMiB: number; cpuMs: number }
interface JournalEvent { type: string; time: string; wallMs?: number; readyAt?: string }

function run(caseDir: string, workers: number) {
  const out = join(mkdtempSync(join(tmpdir(), 'ldinv-bench-')), `w${workers}`);
  // batch 1: every member is its own task, so two workers can share an ensemble evenly.
  const args = [BIN, 'invert', '--case', caseDir, '--method', method, '--mode', 'rml', '--members', String(members), '--iters', String(iters),
    '--workers', String(workers), '--batch', '1', '--max-misfit', '1e9', '--out', out];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`ldinv invert with ${workers} workers failed: ${r.stderr.trim()}`);
  const session = (JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { sessions: Session[] }).sessions[0];
  const events = readFileSync(join(out, 'journal.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as JournalEvent);
  const t = (e: JournalEvent) => Date.parse(e.time);
  const start = t(events.find((e) => e.type === 'run-start')!);
  const lastReady = Math.max(...events.filter((e) => e.type === 'worker-ready').map((e) => Date.parse(e.readyAt!)));
  const done = events.filter((e) => e.type === 'member-done');
  const lastDone = Math.max(...done.map(t));
  // Members whose task started (done time minus its in-worker wall time) once every worker was up.
  const doneAfterReady = done.filter((e) => t(e) - (e.wallMs ?? 0) >= lastReady).length;
  return {
    session,
    perMinute: members / (session.wallMs / 60_000),
    // Steady state: from the moment the last worker is ready (its modules and context loaded).
    // Members run entirely after every worker was up, over that window (NaN when it holds fewer than 2).
    steadyPerMinute: doneAfterReady >= 2 ? doneAfterReady / ((lastDone - lastReady) / 60_000) : Number.NaN,
    startupMs: lastReady - start,
  };
}

const caseDir = benchCase();
const one = run(caseDir, 1);
const two = run(caseDir, 2);
for (const [w, r] of [[1, one], [2, two]] as const) {
  emit('members per minute (wall)', r.perMinute, { workers: w });
  emit('members per minute (after worker start-up)', r.steadyPerMinute, { workers: w });
  emit('worker start-up ms', r.startupMs, { workers: w });
  emit('pool overhead % of wall', (100 * r.session.overheadMs) / r.session.wallMs, { workers: w, target: '< 2' });
  emit('peak RSS MiB (orchestrator + workers)', r.session.peakRssMiB, { workers: w });
  emit('CPU s per member', r.session.cpuMs / 1000 / members, { workers: w });
  // Share of the cores' time the run got: below `workers` when other processes compete for the CPUs.
  emit('cores used', r.session.cpuMs / r.session.wallMs, { workers: w, loadavg1: Number(loadavg()[0].toFixed(2)) });
}
emit('speed-up 2 vs 1 workers (wall)', two.perMinute / one.perMinute, { target: '>= 1.8' });
emit('speed-up 2 vs 1 workers (after start-up)', two.steadyPerMinute / one.steadyPerMinute, { target: '>= 1.8' });
emit('peak RSS per extra worker MiB', two.session.peakRssMiB - one.session.peakRssMiB);
// What 2 workers would reach with 2 free cores: twice the throughput, less any rise in CPU cost per
// member (cache and memory-bandwidth sharing); equals the measured speed-up on an idle machine.
emit('speed-up 2 vs 1 workers (CPU-bound estimate)', (2 * one.session.cpuMs) / two.session.cpuMs, { target: '>= 1.8' });
