// A case is the same data on every host: its hash covers a site's arrays (that a queued copy of a site
// reads back as the same problem: queue/member-job.test.ts).
import { cpSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { caseHash, readCaseFiles, sha256Hex } from './content-hash.ts';

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
});
