// Worker deaths, device processes and the machine-readable output, through the real CLI.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, viewReport } from '@ldinv/runs/testing';
import { readJournal, decodeMemberRecord, type RunManifest } from '@ldinv/runs';
import { installedVersion } from '../pool/backend-record.ts';
import { readJson, runLdinv, runNumbers } from '../testing/ldinv-process.fixture.ts';
import { writeTestCase } from '../testing/test-case.fixture.ts';

const caseDir = writeTestCase();
const root = mkdtempSync(join(tmpdir(), 'ldinv-faults-'));
const args = (out: string, extra: string[]) => [
  'invert', '--case', caseDir, '--method', 'pixel', '--mode', 'rml', '--members', '4', '--iters', '20', '--seed', '5',
  // 20 iterations do not reach the noise level; keep every finished member in the statistics.
  '--max-misfit', '1000', '--out', out, ...extra,
];
/** Whether the GPU build of TensorFlow could load here at all (it cannot on the test machines). */
const gpuBuildInstalled = (() => {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node-gpu');
    return true;
  } catch {
    return false;
  }
})();
const member = (run: string, m: number) => {
  const path = join(run, 'members', `m${String(m).padStart(5, '0')}.msgpack`);
  return decodeMemberRecord(readFileSync(path), path);
};

describe('faults and device processes', () => {
  it('retries members of a dead worker, records one that keeps failing, and aggregates the rest', async () => {
    const out = join(root, 'crashing');
    // Member 1's worker dies on its first attempt only; member 2's on every attempt.
    const r = await runLdinv(args(out, ['--workers', '2', '--batch', '2', '--max-attempts', '2']), 'crash:member=1:attempts=1,crash:member=2');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('member 2 failed after 2 attempts: worker exited with code: 70');
    expect(member(out, 1)).toMatchObject({ status: 'done', attempts: 2 });
    const failed = member(out, 2);
    expect(failed).toMatchObject({ status: 'failed', attempts: 2, error: 'worker exited with code: 70' });
    expect(failed.status === 'failed' && failed.errors).toHaveLength(2);
    const summary = readJson<{ included: number[]; failed: { index: number; error: string }[] }>(join(out, 'summary.json'));
    expect(summary.included).toEqual([0, 1, 3]);
    expect(summary.failed.map((f) => f.index)).toEqual([2]);
    const retries = readJournal(join(out, 'journal.ndjson')).filter((e) => e.type === 'member-retry').map((e) => e.member);
    // Batches [0, 1] and [2, 3] died once: all four retried alone; then 2 died again, its last attempt.
    expect(retries.sort()).toEqual([0, 1, 2, 3]);
    if (HAVE_CHROMIUM) {
      const view = await viewReport(join(out, 'report.html'));
      expect(view.loaded).toBe(view.images);
      expect(view.images).toBeGreaterThanOrEqual(8);
      expect(view.memberRows).toEqual([0, 1, 2, 3]);
    }
  });

  it.skipIf(gpuBuildInstalled)('--devices 0 without a GPU build is refused in one line, before a run directory exists, unless --backend wasm', async () => {
    const out = join(root, 'no-gpu');
    const r = await runLdinv(args(out, ['--devices', '0']));
    expect(r.stderr).toBe(
      'ldinv: --devices 0 asks for a GPU, but the backend that loads here is wasm (@tensorflow/tfjs-node-gpu is not installed): ' +
        'install @tensorflow/tfjs-node-gpu, or pass --backend wasm to run on CPU processes\n',
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
    // --backend tensorflow asks for native TensorFlow: nothing loads here, also one line.
    const t = await runLdinv(args(out, ['--devices', '0', '--backend', 'tensorflow']));
    expect(t.code).toBe(1);
    expect(t.stderr).toMatch(/^ldinv: device 0: backend tensorflow: cannot load tfjs-node-gpu \(@tensorflow\/tfjs-node-gpu is not installed\), tfjs-node \(.*\)\n$/);
    expect(existsSync(out)).toBe(false);
  });

  it('--devices 0,1 --backend wasm runs one process per device, spreads members, gives the thread pool\'s numbers, records each process\'s backend; --json prints events', async () => {
    const pool = join(root, 'pool');
    const devices = join(root, 'devices');
    const wasm = ['--backend', 'wasm'];
    const [a, b] = [await runLdinv(args(pool, ['--workers', '2', ...wasm])), await runLdinv(args(devices, ['--devices', '0,1', '--workers', '1', '--batch', '1', '--json', ...wasm]))];
    expect(a.code).toBe(0);
    expect(b.stderr).toBe('');
    expect(b.code).toBe(0);
    const events = b.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; [k: string]: unknown });
    expect(events[0]).toMatchObject({ type: 'run-start', devices: ['0', '1'], workers: 1 });
    expect(events.filter((e) => e.type === 'progress').length).toBeGreaterThanOrEqual(4);
    expect(events.at(-1)).toEqual({ type: 'report', path: join(devices, 'report.html'), summary: join(devices, 'summary.json') });
    const workers = [0, 1, 2, 3].map((m) => {
      const r = member(devices, m);
      return r.status === 'done' ? r.timing.worker.split(' ').slice(0, 2).join(' ') : '';
    });
    expect(new Set(workers)).toEqual(new Set(['device 0', 'device 1']));
    expect(runNumbers(devices)).toEqual(runNumbers(pool));
    // run.json: one entry per device process, honest that it ran wasm on the CPU, and which device it saw.
    const wasmPackage = { backend: 'wasm', package: '@tensorflow/tfjs-backend-wasm', version: installedVersion('@tensorflow/tfjs-backend-wasm'), gpu: false, threads: 1 };
    expect(wasmPackage.version).toMatch(/^\d+\.\d+\.\d+/);
    const manifest = readJson<RunManifest>(join(devices, 'run.json'));
    const entries = [...(manifest.backends ?? [])].sort((x, y) => String(x.device).localeCompare(String(y.device)));
    expect(entries).toEqual(['0', '1'].map((d) => ({ ...wasmPackage, device: d, visibleDevices: d, process: expect.stringMatching(`^${hostname()}:\\d+$`) as unknown })));
    expect(entries[0].process).not.toBe(entries[1].process);
    expect(manifest.sessions.at(-1)!.backends).toEqual(manifest.backends);
    expect(manifest.backend).toBe('wasm');
    // The local pool: one entry, the orchestrator's own process, no device.
    const local = readJson<RunManifest>(join(pool, 'run.json'));
    expect(local.backends).toEqual([{ ...wasmPackage, threads: 2, device: null, visibleDevices: process.env.CUDA_VISIBLE_DEVICES ?? null, process: expect.stringMatching(/:\d+$/) as unknown }]);
  });
});
