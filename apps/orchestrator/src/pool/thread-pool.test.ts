// The piscina pool under vitest: workers load TypeScript through the tsx bootstrap, report progress
// through comlink, transfer results, give batch-independent members, and survive a worker's death.
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { writeTestCase } from '../testing/test-case.fixture.ts';
import { FAULT_ENV } from '../member/fault-inject.ts';
import type { MemberTask, WorkerConfig } from '../member/task.ts';
import { ThreadPoolExecutor, WORKER_FILE } from './thread-pool.ts';

const ITERS = 20;
const config: WorkerConfig = { caseDir: writeTestCase(), prior: null, method: 'pixel', mode: 'rml', iters: ITERS, param: 'latent', refine: 0, burnIn: 0, steps: 1, thin: 1, initLogK: 0, backend: 'auto' };
// Set before the pool starts: worker threads copy the environment when they are created.
process.env[FAULT_ENV] = 'crash:member=7';
const pool = new ThreadPoolExecutor({ workers: 2, config });
afterAll(async () => {
  await pool.close();
  delete process.env[FAULT_ENV];
});

const task = (id: number, members: number[], attempt = 0): MemberTask => ({ id, attempt, members: members.map((index) => ({ index, seed: 100 + index })) });

describe('ThreadPoolExecutor', () => {
  it('hands piscina a worker file that plain require() loads (no require(esm), which aborted V8 once)', () => {
    // piscina require()s the file first; an ES module with top-level await there goes through Node 20's
    // require(esm) (ERR_REQUIRE_ASYNC_MODULE at best). In a child process: loading registers tsx.
    const out = execFileSync(process.execPath, ['-e', `const h = require(${JSON.stringify(WORKER_FILE)}); console.log(typeof h); process.exit(0)`], { encoding: 'utf8' });
    expect(out.trim()).toBe('function');
  });

  it('runs a batch, streams one progress report per member per iteration, and returns binary results', async () => {
    const reports: [number, number][] = [];
    const r = await pool.run(task(0, [0, 1]), { report: (m, it) => void reports.push([m, it]) }, new AbortController().signal);
    expect(r.members.map((m) => m.index)).toEqual([0, 1]);
    for (const m of r.members) {
      expect(m.logK).toBeInstanceOf(Float64Array);
      expect(m.logK).toHaveLength(256);
      expect(m.history.misfit).toHaveLength(m.iterations);
      // The case has a truth: the ln K error is traced and comes back with the history.
      expect(m.history.logKError).toHaveLength(m.iterations);
      expect(m.history.logKError!.every((e) => e > 0 && e < 2)).toBe(true);
      expect(reports.filter(([mm]) => mm === m.index).map(([, it]) => it)).toEqual(Array.from({ length: m.iterations }, (_, k) => k));
    }
    // rml: each member fits its own perturbed data, so members differ.
    expect(r.members[0].logK).not.toEqual(r.members[1].logK);
    expect(r.backend).toMatch(/^(wasm|cpu|tensorflow)$/);
  });

  it('gives a member the same bits alone as in a batch (resume and retries regroup members)', async () => {
    const signal = new AbortController().signal;
    const [batch, alone] = await Promise.all([
      pool.run(task(1, [2, 3, 4]), { report() {} }, signal),
      pool.run(task(2, [3]), { report() {} }, signal),
    ]);
    const inBatch = batch.members.find((m) => m.index === 3)!;
    expect(Buffer.from(alone.members[0].logK.buffer).equals(Buffer.from(inBatch.logK.buffer))).toBe(true);
    expect(alone.members[0].misfit).toBe(inBatch.misfit);
  });

  it('rejects the task of a worker that dies, and keeps serving with a replacement worker', async () => {
    const signal = new AbortController().signal;
    await expect(pool.run(task(3, [6, 7]), { report() {} }, signal)).rejects.toThrow(/exit|terminated|70/);
    const after = await pool.run(task(4, [6]), { report() {} }, signal);
    expect(after.members[0].index).toBe(6);
  });

  it('aborts an in-flight task on signal', async () => {
    const ctrl = new AbortController();
    const p = pool.run(task(5, [8]), { report() {} }, ctrl.signal);
    ctrl.abort();
    await expect(p).rejects.toThrow(/abort/i);
  });
});
