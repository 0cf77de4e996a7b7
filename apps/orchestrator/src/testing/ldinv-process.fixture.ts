// Runs the real `ldinv` entry (bin/ldinv.js, as `npx ldinv` does) in a child process, for tests that
// need signals (kill -9, Ctrl-C) or a clean process per run.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseNpy } from '@ldinv/fields';
import { FAULT_ENV } from '../member/fault-inject.ts';
import { decodeMemberRecord } from '@ldinv/runs';

export const LDINV_BIN = fileURLToPath(new URL('../../bin/ldinv.js', import.meta.url));

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function spawnLdinv(args: string[], fault?: string, extraEnv: Record<string, string> = {}): { child: ChildProcess; done: Promise<Finished> } {
  const env = { ...process.env, ...extraEnv };
  delete env[FAULT_ENV];
  if (fault) env[FAULT_ENV] = fault;
  const child = spawn(process.execPath, [LDINV_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<Finished>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

export const runLdinv = (args: string[], fault?: string, extraEnv?: Record<string, string>) => spawnLdinv(args, fault, extraEnv).done;

export function memberFiles(run: string): string[] {
  const dir = join(run, 'members');
  return existsSync(dir) ? readdirSync(dir).filter((f) => /^m\d+\.msgpack$/.test(f)).sort() : [];
}

/** Resolves once the run has at least `n` member files (polling; the run writes them atomically). */
export async function waitForMembers(run: string, n: number, timeoutMs = 60_000): Promise<number> {
  const start = Date.now();
  for (;;) {
    const k = memberFiles(run).length;
    if (k >= n) return k;
    if (Date.now() - start > timeoutMs) throw new Error(`${run}: ${k} member files after ${timeoutMs} ms, waited for ${n}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The numbers of a run: every ensemble .npy and every member's arrays, as bytes to compare. */
export function runNumbers(run: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const ensemble = join(run, 'ensemble');
  for (const f of readdirSync(ensemble).sort()) {
    const arr = parseNpy(readFileSync(join(ensemble, f)));
    out.set(`ensemble/${f}`, Buffer.from(arr.data.buffer, arr.data.byteOffset, arr.data.byteLength));
  }
  for (const f of memberFiles(run)) {
    const r = decodeMemberRecord(readFileSync(join(run, 'members', f)), f);
    if (r.status !== 'done') continue;
    const parts = [r.logK, ...r.heads, r.predicted, r.history.misfit, r.history.regulariser, ...(r.chain ? [r.chain.samples, r.chain.acceptance] : [])];
    out.set(`members/${f}`, Buffer.concat(parts.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))));
  }
  return out;
}

export function readJson<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** Runs the CLI with `cwd` as working directory; resolves with the exit code and output, never rejects. */
export async function ldinvIn(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await new Promise<Finished>((resolve) => {
    const child = spawn(process.execPath, [LDINV_BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    child.on('close', (c, signal) => resolve({ code: c, signal, stdout: out, stderr: err }));
  });
  return { code: code ?? 1, stdout, stderr };
}
