// What the ensemble and queue benchmarks share: the benchmark case, one `ldinv invert` in a fresh
// process, and its figures read back from run.json and the journal (wall and steady-state throughput).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fieldSpec, simulateCase, writeCase } from '@ldinv/fields';

export const LDINV_BIN = join(fileURLToPath(new URL('../../', import.meta.url)), 'apps', 'orchestrator', 'bin', 'ldinv.js');

/** `--name value` from argv, else the fallback. */
export function flag(name: string, fallback: string, argv: string[] = process.argv): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
}

/**
 * The case given by --case, else a simulated noise-free bimaterial case of grid x grid cells with 49
 * sensors: no member stops early at the noise level, so every member costs the full iterations.
 */
export function benchCase(grid: number, given = process.argv.includes('--case') ? flag('case', '') : ''): string {
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

export interface Session { wallMs: number; overheadMs: number; taskMs: number; workerInitMs: number; peakRssMiB: number; cpuMs: number }
interface JournalEvent { type: string; time: string; wallMs?: number; readyAt?: string }

export interface InvertRun {
  session: Session;
  members: number;
  /** Members per minute over the session's wall time. */
  perMinute: number;
  /** Members that ran entirely after every worker was up, per minute over that window (NaN below 2). */
  steadyPerMinute: number;
  /** From run start until the last worker was ready (modules, backend, case loaded), ms. */
  startupMs: number;
}

/** One `ldinv invert` (pixel/rml unless --method, batch given by `args`) in a fresh process. */
export function runInvert(caseDir: string, opts: { members: number; iters: number; method: string; label: string; args: string[] }): InvertRun {
  const out = join(mkdtempSync(join(tmpdir(), 'ldinv-bench-')), opts.label);
  const args = [LDINV_BIN, 'invert', '--case', caseDir, '--method', opts.method, '--mode', 'rml', '--members', String(opts.members),
    '--iters', String(opts.iters), '--max-misfit', '1e9', '--out', out, ...opts.args];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`ldinv invert (${opts.label}) failed: ${r.stderr.trim()}`);
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
    members: opts.members,
    perMinute: opts.members / (session.wallMs / 60_000),
    steadyPerMinute: doneAfterReady >= 2 ? doneAfterReady / ((lastDone - lastReady) / 60_000) : Number.NaN,
    startupMs: lastReady - start,
  };
}
