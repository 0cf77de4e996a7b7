// The runner of a native-TensorFlow device process: tasks in this thread, one at a time, in order; a
// task aborted while it waits never starts.
import { threadId } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { writeTestCase } from '../testing/test-case.fixture.ts';
import { InProcessExecutor } from './in-process.ts';
import type { MemberTask, WorkerConfig } from '../member/task.ts';

const config: WorkerConfig = { caseDir: writeTestCase(), prior: null, method: 'pixel', mode: 'rml', iters: 5, param: 'latent', refine: 0, burnIn: 0, steps: 1, thin: 1, initLogK: 0, backend: 'wasm' };
const task = (id: number, members: number[]): MemberTask => ({ id, attempt: 0, members: members.map((index) => ({ index, seed: 100 + index })) });

describe('InProcessExecutor', () => {
  it('runs one task at a time in this thread, streams progress, and skips a task aborted while waiting', async () => {
    const ex = new InProcessExecutor(config);
    expect(ex.slots).toBe(1);
    const reports: number[] = [];
    const progress = { report: (m: number) => void reports.push(m) };
    const ctrl = new AbortController();
    const first = ex.run(task(0, [0, 1]), progress, new AbortController().signal);
    const skipped = ex.run(task(1, [2]), progress, ctrl.signal);
    const third = ex.run(task(2, [3]), progress, new AbortController().signal);
    ctrl.abort();
    await expect(skipped).rejects.toThrow(/abort/);
    const [a, c] = await Promise.all([first, third]);
    expect(a.members.map((m) => m.index)).toEqual([0, 1]);
    expect(c.members.map((m) => m.index)).toEqual([3]);
    // One after the other, in this thread.
    expect(c.startEpochMs).toBeGreaterThanOrEqual(a.endEpochMs);
    expect(a.worker).toMatch(new RegExp(`/${threadId}$`));
    expect(a.runtime).toMatchObject({ backend: 'wasm', package: '@tensorflow/tfjs-backend-wasm', gpu: false });
    // Member 2 never ran: no progress from it.
    expect(new Set(reports)).toEqual(new Set([0, 1, 3]));
    await ex.close();
  });
});
