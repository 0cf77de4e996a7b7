// Runs the cells of a study one after another as `ldinv invert` processes (the product itself, with
// its run store): a cell whose summary.json says complete is skipped, a cell with a run.json but no
// complete summary is resumed, so a killed study continues where it stopped.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunStore } from '@ldinv/runs';
import type { EnsembleMode } from '@ldinv/optim';
import { LDINV_BIN } from '../bench/invert-runs.ts';
import type { RunSummary } from './study-metrics.ts';

export interface StudyCell {
  /** Directory name of the run under the study's runs root; unique within the study. */
  id: string;
  caseDir: string;
  method: 'ldim' | 'pixel' | 'vae' | 'pinn';
  mode: EnsembleMode;
  members: number;
  iters: number;
  seed: number;
  /** Prior name or directory (ldim, vae); the case's prior when absent. */
  prior?: string;
  /** Further `ldinv invert` arguments, e.g. ['--refine', '100']. */
  args?: string[];
}

export interface StudyRunOptions {
  runsRoot: string;
  workers?: number;
  /** Called with one line per finished member and per finished cell. */
  log?: (line: string) => void;
}

/** The run's summary.json if the run is complete, else null. */
export function readSummary(dir: string): RunSummary | null {
  const path = join(dir, 'summary.json');
  if (!existsSync(path)) return null;
  const s = JSON.parse(readFileSync(path, 'utf8')) as RunSummary;
  return s.status === 'complete' ? s : null;
}

/** Members of the run in dir with a 'done' record (none when the run has not started). */
function doneMembers(dir: string): Set<number> {
  if (!existsSync(join(dir, 'run.json'))) return new Set();
  const statuses = RunStore.open(dir, { writable: false }).memberStatuses();
  return new Set([...statuses].filter(([, status]) => status === 'done').map(([index]) => index));
}

/** Whether members 0..n−1 of the run in dir are done. */
export function firstMembersDone(dir: string, n: number): boolean {
  const done = doneMembers(dir);
  return Array.from({ length: n }, (_, m) => m).every((m) => done.has(m));
}

/** `stopAfter`: stop the process (gracefully, as Ctrl-C does) once members 0..stopAfter−1 are done. */
function runOne(cell: StudyCell, dir: string, opts: StudyRunOptions, label: string, stopAfter?: number): Promise<void> {
  const args = [
    LDINV_BIN, 'invert', '--case', cell.caseDir, '--method', cell.method, '--mode', cell.mode,
    '--members', String(cell.members), '--iters', String(cell.iters), '--seed', String(cell.seed), '--json',
    // Every start counts in a comparison, fitted or not (the product's default leaves poor fits out).
    '--max-misfit', '1e9',
    ...(cell.prior ? ['--prior', cell.prior] : []),
    ...(opts.workers ? ['--workers', String(opts.workers)] : []),
    ...(cell.args ?? []),
    ...(existsSync(join(dir, 'run.json')) ? ['--resume', dir] : ['--out', dir]),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let buffered = '';
    let done = 0;
    const first = new Set([...doneMembers(dir)].filter((m) => stopAfter !== undefined && m < stopAfter));
    let stopping = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        if (!line.startsWith('{')) continue;
        const e = JSON.parse(line) as { type: string; member?: number; misfit?: number };
        if (e.type !== 'member-done') continue;
        opts.log?.(`${label} member ${e.member} done (${++done} this session), chi2/M ${e.misfit?.toFixed(3)}`);
        if (stopAfter !== undefined && e.member! < stopAfter) first.add(e.member!);
        if (!stopping && stopAfter !== undefined && first.size === stopAfter) {
          stopping = true;
          child.kill('SIGTERM');
        }
      }
    });
    child.on('error', reject);
    // ldinv invert exits 130 when stopped: the members it finished are on disk for a later resume.
    child.on('close', (code) => (code === 0 || (stopping && code === 130) ? resolve() : reject(new Error(`ldinv invert for ${cell.id} exited ${code}:\n${stderr.trim().split('\n').slice(-12).join('\n')}`))));
  });
}

/**
 * Runs (or resumes) every cell until its members 0..n−1 are done, then stops it: a study short of time
 * gets the n-member ensembles of every case first (member seeds depend only on the run seed and the
 * index, so members 0..n−1 are the n-member run), and runStudy later resumes the cells to full size.
 */
export async function runFirstMembers(cells: StudyCell[], n: number, opts: StudyRunOptions): Promise<void> {
  for (const [k, cell] of cells.entries()) {
    const dir = join(opts.runsRoot, cell.id);
    if (firstMembersDone(dir, n)) continue;
    await runOne(cell, dir, opts, `[${k + 1}/${cells.length}, first ${n} members] ${cell.id}`, n);
  }
}

/** Runs (or resumes, or skips) every cell; returns each cell's summary in order. */
export async function runStudy(cells: StudyCell[], opts: StudyRunOptions): Promise<RunSummary[]> {
  const ids = new Set(cells.map((c) => c.id));
  if (ids.size !== cells.length) throw new Error('study cells must have unique ids');
  const summaries: RunSummary[] = [];
  const started = performance.now();
  let ran = 0;
  for (const [k, cell] of cells.entries()) {
    const dir = join(opts.runsRoot, cell.id);
    const label = `[${k + 1}/${cells.length}] ${cell.id}`;
    let summary = readSummary(dir);
    if (!summary) {
      await runOne(cell, dir, opts, label);
      summary = readSummary(dir);
      if (!summary) throw new Error(`${cell.id}: run finished but ${join(dir, 'summary.json')} is not complete`);
      ran++;
      const perCell = (performance.now() - started) / ran;
      const left = cells.length - k - 1;
      opts.log?.(`${label} complete; about ${Math.round((perCell * left) / 60_000)} min left at ${(perCell / 1000).toFixed(0)} s per cell`);
    }
    summaries.push(summary);
  }
  return summaries;
}
