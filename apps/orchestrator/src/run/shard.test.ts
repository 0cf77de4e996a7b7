// Slurm job arrays: shards run as separate processes through the shipped example script
// (tools/slurm/ldinv-array.sbatch, with the variables Slurm would set) into one run directory, and
// `ldinv aggregate` merges them into what one uninterrupted local run gives, bit for bit.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readJournal, type RunManifest, type RunSession, inShard, parseShard } from '@ldinv/runs';
import { LDINV_BIN, memberFiles, readJson, runLdinv, runNumbers, type Finished } from '../testing/ldinv-process.fixture.ts';
import { writeTestCase } from '../testing/test-case.fixture.ts';

const SBATCH = fileURLToPath(new URL('../../../../tools/slurm/ldinv-array.sbatch', import.meta.url));
const SBATCH_GPU = fileURLToPath(new URL('../../../../tools/slurm/ldinv-array-gpu.sbatch', import.meta.url));
const caseDir = writeTestCase();
const root = mkdtempSync(join(tmpdir(), 'ldinv-shards-'));
const MEMBERS = 8;
const NUMBERS = ['--method', 'pixel', '--mode', 'rml', '--iters', '30', '--max-misfit', '1000'];
let reference: Map<string, Buffer>;

/** One array task, as Slurm would start it (`slurm`: more of its variables, e.g. CUDA_VISIBLE_DEVICES). */
function arrayTask(out: string, index: number, count: number, extra: string[] = [], script = SBATCH, slurm: NodeJS.ProcessEnv = {}): Promise<Finished> {
  const env: NodeJS.ProcessEnv = {
    ...process.env, ...slurm, SLURM_ARRAY_TASK_ID: String(index), SLURM_ARRAY_TASK_COUNT: String(count), SLURM_CPUS_PER_TASK: '1',
    CASE: caseDir, OUT: out, MEMBERS: String(MEMBERS), SEED: '11', LDINV: `${process.execPath} ${LDINV_BIN}`, LDINV_ARGS: [...NUMBERS, ...extra].join(' '),
  };
  delete env.LDINV_FAULT_INJECT;
  const child = spawn('bash', [script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

beforeAll(async () => {
  const out = join(root, 'local');
  const r = await runLdinv(['invert', '--case', caseDir, '--members', String(MEMBERS), '--seed', '11', ...NUMBERS, '--workers', '2', '--out', out]);
  expect(r.stderr).toBe('');
  reference = runNumbers(out);
  expect([...reference.keys()].filter((k) => k.startsWith('members/'))).toHaveLength(MEMBERS);
});

describe('--shard I/N', () => {
  it('parses I/N and splits members round-robin', () => {
    expect(parseShard('3/4')).toEqual({ index: 3, count: 4 });
    expect(() => parseShard('4/4')).toThrow("--shard must be I/N with 0 <= I < N (e.g. $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT), got '4/4'");
    expect(() => parseShard('1/0')).toThrow(/got '1\/0'$/);
    expect([0, 1, 2, 3, 4, 5, 6, 7].filter((m) => inShard(m, { index: 1, count: 4 }))).toEqual([1, 5]);
  });

  it('four shards as four processes, aggregated as they finish, end equal to a local run', async () => {
    const out = join(root, 'array');
    // Three tasks at once race to create run.json; the fourth is late.
    const first = await Promise.all([0, 1, 2].map((i) => arrayTask(out, i, 4)));
    for (const r of first) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!)).toMatchObject({ type: 'shard-end', run: out, done: 2, failed: 0 });
    }
    // Nothing shared is written by two shards: run.json once, one journal each, one file per member.
    expect(readdirSync(out).sort()).toEqual(['journal.shard-0-of-4.ndjson', 'journal.shard-1-of-4.ndjson', 'journal.shard-2-of-4.ndjson', 'members', 'run.json']);
    expect(memberFiles(out)).toEqual(['m00000', 'm00001', 'm00002', 'm00004', 'm00005', 'm00006'].map((m) => `${m}.msgpack`));
    expect(readJson<RunManifest>(join(out, 'run.json'))).toMatchObject({ shards: 4, sessions: [], status: 'running' });

    const partial = await runLdinv(['aggregate', out]);
    expect(partial.code).toBe(0);
    expect(partial.stdout).toContain('missing 2 of 8 members (no record yet): 3, 7\n');
    expect(readJson<{ missing: number[]; status: string }>(join(out, 'summary.json'))).toMatchObject({ missing: [3, 7], status: 'incomplete' });

    const late = await arrayTask(out, 3, 4);
    expect(late.code).toBe(0);
    const all = await runLdinv(['aggregate', out, '--json']);
    expect(all.stderr).toBe('');
    expect(JSON.parse(all.stdout)).toMatchObject({ included: MEMBERS, failed: 0, missing: [] });
    expect(runNumbers(out)).toEqual(reference);
    const summary = readJson<{ status: string; sessions: RunSession[] }>(join(out, 'summary.json'));
    expect(summary.status).toBe('complete');
    expect(summary.sessions.map((s) => s.shard).sort()).toEqual(['0/4', '1/4', '2/4', '3/4']);
    const shard3 = readJournal(join(out, 'journal.shard-3-of-4.ndjson'));
    expect(shard3.filter((e) => e.type === 'member-done').map((e) => e.member)).toEqual([3, 7]);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('status <b>complete</b>');
  });

  it('a shard with other numbers is refused; a rerun shard only runs what it is missing', async () => {
    const out = join(root, 'array');
    const wrong = await arrayTask(out, 1, 4, ['--iters', '31']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe(`ldinv: ${join(out, 'run.json')}: --iters 31 differs from the run's 30; every shard must run the same numbers\n`);
    const other = await arrayTask(out, 1, 3);
    expect(other.stderr).toBe(`ldinv: ${join(out, 'run.json')}: the run is split in 4 shards, got --shard 1/3\n`);
    const again = await arrayTask(out, 2, 4);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout.trim().split('\n')[0])).toMatchObject({ type: 'run-start', planned: [], shard: '2/4', resumed: true });
  });

  it('the GPU script passes Slurm\'s CUDA_VISIBLE_DEVICES as --devices; without the GPU build it stops in one line, or runs wasm when asked', async () => {
    let gpuBuild = true;
    try {
      createRequire(import.meta.url).resolve('@tensorflow/tfjs-node-gpu');
    } catch {
      gpuBuild = false;
    }
    const out = join(root, 'gpu');
    if (!gpuBuild) {
      const refused = await arrayTask(out, 0, 4, [], SBATCH_GPU, { CUDA_VISIBLE_DEVICES: '2' });
      expect(refused.code).toBe(1);
      expect(refused.stderr.split('\n').filter((l) => l.startsWith('ldinv:'))).toEqual([
        expect.stringMatching(/^ldinv: --devices 2 asks for a GPU, but the backend that loads here is wasm \(.*\): install @tensorflow\/tfjs-node-gpu, or pass --backend wasm to run on CPU processes$/),
      ]);
      expect(existsSync(out)).toBe(false);
    }
    const r = await arrayTask(out, 1, 4, ['--backend', 'wasm'], SBATCH_GPU, { CUDA_VISIBLE_DEVICES: '2' });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('CUDA_VISIBLE_DEVICES=2, --devices 2');
    expect(memberFiles(out)).toEqual(['m00001.msgpack', 'm00005.msgpack']);
    const session = readJournal(join(out, 'journal.shard-1-of-4.ndjson')).find((e) => e.type === 'session')!.session as RunSession;
    expect(session.devices).toEqual(['2']);
    expect(session.backends).toEqual([expect.objectContaining({ device: '2', visibleDevices: '2', backend: 'wasm', gpu: false, threads: 1 })]);
  });
});
