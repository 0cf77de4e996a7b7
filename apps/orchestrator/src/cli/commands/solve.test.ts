import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ldinvIn } from '../../testing/ldinv-process.fixture.ts';
import { caseProblem, encodeNpy, readCase, readNpy } from '@ldinv/fields';
import { fourierField, solveHeads } from '@ldinv/solver';

const cwd = mkdtempSync(join(tmpdir(), 'ldinv-solve-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const ldinv = (...args: string[]) => ldinvIn(cwd, ...args);

const grid = { nx: 12, ny: 9 };
const logK = fourierField(grid, { seed: 1, sigma: 1.5 });
writeFileSync(join(cwd, 'logk.npy'), encodeNpy(Float32Array.from(logK), [9, 12]));
writeFileSync(join(cwd, 'k.npy'), encodeNpy(logK.map(Math.exp), [9, 12]));
writeFileSync(join(cwd, 'wells.csv'), 'x,y,rate,test\n0.3,0.3,-1,0\n0.7,0.6,2,1\n');

describe('ldinv solve', () => {
  it('writes the solver heads for --logk (<f4) as [ny, nx] <f8', async () => {
    const run = await ldinv('solve', '--logk', 'logk.npy', '--bc', 'source', '--out', 'out/h.npy');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('wrote out/h.npy: heads [9, 12] <f8, bc source, 1 test(s)\n');
    const h = readNpy(join(cwd, 'out/h.npy'));
    expect(h.dtype).toBe('<f8');
    expect(h.shape).toEqual([9, 12]);
    const [ref] = solveHeads({ grid, bc: 'source', tests: [[]] }, Float64Array.from(Float32Array.from(logK)));
    expect(Array.from(h.data)).toEqual(Array.from(ref));
  });

  it('writes [tests, ny, nx] for --k with several pumping tests', async () => {
    const run = await ldinv('solve', '--k', 'k.npy', '--wells', 'wells.csv', '--out', 'h2.npy');
    expect(run.code).toBe(0);
    const h = readNpy(join(cwd, 'h2.npy'));
    expect(h.shape).toEqual([2, 9, 12]);
    const ref = solveHeads({ grid, bc: 'flow', tests: [[{ x: 0.3, y: 0.3, rate: -1 }], [{ x: 0.7, y: 0.6, rate: 2 }]] }, logK);
    for (let c = 0; c < 108; c++) expect(h.data[108 + c]).toBeCloseTo(ref[1][c], 12);
  });

  it('solves the shipped example examples/layered (2 pumping tests on 64 x 64)', async () => {
    const example = fileURLToPath(new URL('../../../../../examples/layered/', import.meta.url));
    const run = await ldinv('solve', '--logk', `${example}logk.npy`, '--wells', `${example}wells.csv`, '--out', 'ex/h.npy');
    expect(run.stdout).toBe('wrote ex/h.npy: heads [2, 64, 64] <f8, bc flow, 2 test(s)\n');
    const h = readNpy(join(cwd, 'ex/h.npy'));
    expect(h.data.every(Number.isFinite)).toBe(true);
  });

  it('solves a site case (--case) with NaN in inactive cells and prints a balanced water budget (--budget)', async () => {
    const site = fileURLToPath(new URL('../../../../../cases/site/', import.meta.url));
    const run = await ldinv('solve', '--case', site, '--logk', `${site}truth_logk.npy`, '--out', 'site/h.npy', '--budget');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const c = readCase(site);
    const h = readNpy(join(cwd, 'site/h.npy'));
    expect(h.shape).toEqual([4, 64, 64]);
    const ref = solveHeads(caseProblem(c), c.truthLogK!);
    ref.forEach((r, t) => r.forEach((v, k) => (Number.isNaN(v) ? expect(h.data[t * 4096 + k]).toBeNaN() : expect(h.data[t * 4096 + k]).toBe(v))));
    expect(ref[0].some(Number.isNaN)).toBe(true);
    const budgets = run.stdout.split('water budget, test ').slice(1);
    expect(budgets.map((b) => b.split(' ')[0])).toEqual(['0', '1', '2', '3']);
    expect(budgets[1]).toContain('(PW1) (volume per time, m^3/d)');
    for (const b of budgets) {
      const discrepancy = Number(/percent discrepancy (\S+) %/.exec(b)![1]);
      expect(Math.abs(discrepancy)).toBeLessThan(1e-8);
      expect(b).toMatch(/fixed-head cells +0\.000000e\+0 +[1-9]/);
    }
    expect(budgets[1]).toMatch(/wells +0\.000000e\+0 +6\.000000e\+2/);
  });

  it('documents the output shapes in --help', async () => {
    const run = await ldinv('solve', '--help');
    expect(run.stdout).toContain('shape [ny, nx] for one test, [tests, ny, nx] for several');
  });

  const bad = (name: string, bytes: Uint8Array | string) => {
    writeFileSync(join(cwd, name), bytes);
    return name;
  };
  const withValue = (v: number) => {
    const k = logK.map(Math.exp);
    k[14] = v;
    return encodeNpy(k, [9, 12]);
  };
  const npyHeader = (descr: string, shape: string) => {
    const header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`.padEnd(117) + '\n';
    return Buffer.concat([Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0]), Buffer.from(header)]);
  };

  // Each case spawns a CLI (~1.3 s of start-up): run them concurrently.
  it.concurrent.each([
    [['--k', bad('neg.npy', withValue(-1))], 'ldinv: neg.npy: K must be finite and > 0, got -1 at [1, 2]'],
    [['--k', bad('zero.npy', withValue(0))], 'ldinv: zero.npy: K must be finite and > 0, got 0 at [1, 2]'],
    [['--k', bad('nan.npy', withValue(NaN))], 'ldinv: nan.npy: K must be finite and > 0, got NaN at [1, 2]'],
    [['--k', bad('inf.npy', withValue(Infinity))], 'ldinv: inf.npy: K must be finite and > 0, got Infinity at [1, 2]'],
    [['--logk', bad('ynan.npy', encodeNpy(new Float64Array(108).fill(NaN), [9, 12]))], 'ldinv: ynan.npy: ln K[0, 0] must be finite with |ln K| < 700, got NaN'],
    [['--k', bad('flat.npy', encodeNpy(new Float64Array(108).fill(1), [108]))], 'ldinv: flat.npy: K must have shape [ny, nx], got [108]'],
    [['--k', bad('big.npy', Buffer.concat([npyHeader('>f8', '(3, 3)'), Buffer.alloc(72)]))], "ldinv: big.npy: unsupported dtype '>f8', expected '<f4' or '<f8'"],
    [['--k', bad('hdr.npy', Buffer.concat([npyHeader('<f8', '(3, 3'), Buffer.alloc(72)]))], 'ldinv: hdr.npy: malformed header'],
    [['--k', bad('junk.npy', 'not an npy file')], 'ldinv: junk.npy: not a .npy file (bad magic string)'],
    [['--k', 'missing.npy'], 'ldinv: missing.npy: cannot read (ENOENT)'],
    [['--k', 'k.npy', '--wells', bad('w.csv', 'x,y,rate,test\n1.5,0.5,1,0\n')], 'ldinv: w.csv line 2: x must be in [0, 1], got 1.5'],
    [['--k', 'k.npy', '--logk', 'logk.npy'], 'ldinv: give exactly one of --k K.npy or --logk Y.npy'],
    [['--k', 'k.npy', '--bc', 'flux'], 'ldinv: --bc must be one of flow, source, got "flux"'],
  ])('rejects %j with one line and exit code 1, writing nothing', async (args, line) => {
    const out = `bad-${args[1]}.npy`;
    const run = await ldinv('solve', ...args, '--out', out);
    expect(run.code).toBe(1);
    expect(run.stderr.split('\n')).toHaveLength(2);
    expect(run.stderr.startsWith(line)).toBe(true);
    expect(existsSync(join(cwd, out))).toBe(false);
  });
});
