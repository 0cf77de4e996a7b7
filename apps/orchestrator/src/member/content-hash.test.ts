// A case is the same data on every host: its hash covers a site's arrays, and a queued copy of a site
// reads back as the same problem.
import { cpSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { caseProblem, readCase } from '@ldinv/fields';
import { solveHeads } from '@ldinv/solver';
import { decodeMemberJob, encodeMemberJob } from '../queue/member-job.ts';
import { caseFilesHash, caseHash, readCaseFiles, sha256Hex, writeCaseFiles } from './content-hash.ts';

const SITE = fileURLToPath(new URL('../../../../cases/site', import.meta.url));
const UNIT = fileURLToPath(new URL('../../../../cases/bimat64', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'ldinv-hash-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('case content', () => {
  it('of a unit-square case is case.json then obs.csv (the hash runs made before sites carry)', () => {
    const files = readCaseFiles(UNIT);
    expect(Object.keys(files)).toEqual(['case.json', 'obs.csv']);
    expect(caseHash(UNIT)).toBe(sha256Hex([readFileSync(join(UNIT, 'case.json')), readFileSync(join(UNIT, 'obs.csv'))]));
  });

  it("of a site includes the arrays its case.json names, so a changed array changes the hash", () => {
    expect(Object.keys(readCaseFiles(SITE))).toEqual(['case.json', 'obs.csv', 'active.npy', 'chd.npy']);
    const copy = join(root, 'changed');
    cpSync(SITE, copy, { recursive: true });
    const chd = readFileSync(join(copy, 'chd.npy'));
    chd[chd.length - 1] ^= 1;
    writeFileSync(join(copy, 'chd.npy'), chd);
    expect(caseHash(copy)).not.toBe(caseHash(SITE));
  });

  it('of a site travels in a queue job and reads back on the worker as the same problem', () => {
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
