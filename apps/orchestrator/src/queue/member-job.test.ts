// The queue's wire format: a job carries its case and prior identity as msgpack data and comes back
// whole; anything else is refused with a message naming the job and the field, never executed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { caseProblem, readCase } from '@ldinv/fields';
import { solveHeads } from '@ldinv/solver';
import { packBinary, decodeMemberRecord, doneMemberRecord, encodeMemberRecord } from '@ldinv/runs';
import { caseFilesHash, caseHash, readCaseFiles, sha256Hex, writeCaseFiles, type CaseFiles } from '../member/content-hash.ts';
import type { TaskResult } from '../member/task.ts';
import { decodeMemberJob, decodeTaskResult, encodeMemberJob, encodeTaskResult, memberJobId, type MemberJobContext } from './member-job.ts';

const files: CaseFiles = { 'case.json': Buffer.from('{"format":"x"}'), 'obs.csv': Buffer.from('x,y,head,sigma,test\n') };
const context: MemberJobContext = {
  run: 'demo-0a1b2c3d', case: { name: 'demo', hash: caseFilesHash(files), files },
  prior: { name: 'tiny', hash: sha256Hex([Buffer.from('weights')]) }, method: 'vae', mode: 'rml', iters: 15, param: 'latent', refine: 0, burnIn: 0, steps: 1, thin: 1, initLogK: 0, backend: 'auto',
};
const b64 = (value: unknown) => Buffer.from(packBinary(value)).toString('base64');

function result(): TaskResult {
  return {
    id: 3, backend: 'wasm', worker: 'h:1/2', startedAt: '2025-01-01T00:00:00.000Z', startEpochMs: 10, endEpochMs: 20, initMs: 0, pickedUpEpochMs: 9,
    members: [{
      index: 4, seed: 77, grid: { nx: 2, ny: 1 }, logK: Float64Array.of(0.1, Math.PI), heads: [Float64Array.of(1, 2)], predicted: Float64Array.of(0.5),
      misfit: Number.NaN, regulariser: 0, iterations: 2, stopReason: 'max-iterations',
      history: { iteration: Int32Array.of(0, 1), misfit: Float64Array.of(3, Number.NaN), regulariser: Float64Array.of(0, 0) },
    }],
  };
}

describe('member jobs', () => {
  it('round-trip with the case files as bytes and an idempotent job id', () => {
    const data = encodeMemberJob(context, { index: 4, seed: 77 }, 1);
    expect(memberJobId(context.run, 4)).toBe('demo-0a1b2c3d/4');
    const job = decodeMemberJob(JSON.parse(JSON.stringify(data)), 'demo-0a1b2c3d/4');
    expect(job).toMatchObject({ format: 'ldinv-member-job', version: 1, run: context.run, member: { index: 4, seed: 77 }, attempt: 1, prior: context.prior, method: 'vae' });
    expect(Buffer.from(job.case.files['obs.csv']).toString()).toBe('x,y,head,sigma,test\n');
  });

  it('are refused, naming the job and the field, when malformed', () => {
    const id = 'demo-0a1b2c3d/4';
    const job = (over: Record<string, unknown>) => ({ payload: b64({ format: 'ldinv-member-job', version: 1, ...context, member: { index: 4, seed: 77 }, attempt: 0, ...over }) });
    expect(() => decodeMemberJob('rm -rf /', id)).toThrow(`job ${id}: data must be { payload: base64 msgpack }`);
    expect(() => decodeMemberJob({ payload: 'not base64!' }, id)).toThrow(`job ${id}: payload must be base64 text`);
    // 0x82: a map announcing two entries, then nothing.
    expect(() => decodeMemberJob({ payload: Buffer.from([0x82]).toString('base64') }, id)).toThrow(/^job demo-0a1b2c3d\/4: payload is not msgpack/);
    expect(() => decodeMemberJob(job({ member: { index: -1, seed: 77 } }), id)).toThrow(/^job demo-0a1b2c3d\/4: payload member\.index: Too small/);
    expect(() => decodeMemberJob(job({ method: 'eval' }), id)).toThrow(/^job demo-0a1b2c3d\/4: payload method: Invalid option/);
    expect(() => decodeMemberJob(job({ code: 'process.exit()' }), id)).toThrow(/^job demo-0a1b2c3d\/4: payload \(top level\): Unrecognized key: "code"/);
    expect(() => decodeMemberJob(job({ case: { ...context.case, files: { ...files, 'obs.csv': Buffer.from('tampered') } } }), id)).toThrow(
      `job ${id}: payload case files do not match their hash ${context.case.hash}`,
    );
    expect(() => decodeMemberJob(job({}), 'other/4')).toThrow('job other/4: payload is member 4 of run demo-0a1b2c3d, whose job id is demo-0a1b2c3d/4');
  });
});

describe('job results', () => {
  it('come back bit for bit, NaN included, with typed arrays kept binary', () => {
    const back = decodeTaskResult(JSON.parse(JSON.stringify(encodeTaskResult(result()))), 'j/4');
    expect(back).toEqual(result());
    expect(back.members[0].logK).toBeInstanceOf(Float64Array);
    expect(Object.is(back.members[0].misfit, Number.NaN)).toBe(true);
  });

  it('are refused when malformed', () => {
    expect(() => decodeTaskResult(42, 'j/4')).toThrow('job j/4: result must be base64 text');
    const bad = { ...result(), members: [{ ...result().members[0], logK: [0.1, 0.2] }] };
    expect(() => decodeTaskResult(b64(bad), 'j/4')).toThrow(/^job j\/4: result members\.0\.logK: expected Float64Array, got array$/);
  });

  it('are checked by the member record schema, field for field as a stored record is', () => {
    // Each wrong member is refused by the store with the same message (run-store.test.ts): one schema.
    const wrong = (over: Record<string, unknown>) => b64({ ...result(), members: [{ ...result().members[0], ...over }] });
    expect(() => decodeTaskResult(wrong({ misfit: 'low' }), 'j/4')).toThrow(/^job j\/4: result members\.0\.misfit: expected a number, got string$/);
    expect(() => decodeTaskResult(wrong({ logK: new Float64Array(3) }), 'j/4')).toThrow(
      /^job j\/4: result members\.0\.logK: expected a Float64Array of 2 values \(grid 2x1\), got 3$/,
    );
    const member = { ...result().members[0], misfit: 'low' };
    const stored = () => decodeMemberRecord(encodeMemberRecord(doneMemberRecord(member as never, 1, { startedAt: '', wallMs: 0, worker: 'w' })), 'm4.msgpack');
    expect(stored).toThrow(/^m4\.msgpack: misfit: expected a number, got string$/);
  });
});

const SITE = fileURLToPath(new URL('../../../../cases/site', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'ldinv-job-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a site case in a job', () => {
  it('travels in a queue job and reads back on the worker as the same problem', () => {
    const files = readCaseFiles(SITE);
    const context = {
      run: 'site-0a1b2c3d', case: { name: 'site', hash: caseFilesHash(files), files }, prior: null,
      method: 'pixel' as const, mode: 'rml' as const, iters: 5, param: 'latent' as const, refine: 0, burnIn: 0, steps: 1, thin: 1, initLogK: 0, backend: 'auto' as const,
    };
    const job = decodeMemberJob(JSON.parse(JSON.stringify(encodeMemberJob(context, { index: 0, seed: 1 }, 0))), 'site-0a1b2c3d/0');
    const worker = join(root, 'worker-case');
    writeCaseFiles(worker, job.case.files);
    expect(caseHash(worker)).toBe(caseHash(SITE));
    const [original, copy] = [readCase(SITE), readCase(worker)];
    const [a] = solveHeads(caseProblem(original), original.truthLogK!);
    const [b] = solveHeads(caseProblem(copy), original.truthLogK!);
    expect(Array.from(b)).toEqual(Array.from(a));
    // A job whose case names a file outside the case directory is refused before anything is written.
    const evil = { ...context, case: { ...context.case, files: { ...files, '../escape.npy': new Uint8Array(1) } } };
    expect(() => decodeMemberJob(JSON.parse(JSON.stringify(encodeMemberJob(evil, { index: 0, seed: 1 }, 0))), 'site-0a1b2c3d/0')).toThrow(
      'job site-0a1b2c3d/0: payload case.files.../escape.npy: Invalid key in record',
    );
  });
});
