import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { solveHeads } from '@ldinv/solver';
import { caseProblem, readCase, writeCase } from './case.ts';
import { encodeNpy } from './npy.ts';

const root = mkdtempSync(join(tmpdir(), 'ldinv-site-case-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;

const NX = 12;
const NY = 8;

/** A small site: 1200 m x 400 m (dx = 100, dy = 50), outcrop cells, a river of fixed heads, side flux,
 *  side heads per cell, recharge per cell, two tests, four sensors. Overrides replace case.json fields. */
function site(overrides: Record<string, unknown> = {}, files: Record<string, Uint8Array> = {}, obs?: string): string {
  const dir = join(root, `site-${dirs++}`);
  mkdirSync(dir, { recursive: true });
  const active = new Float64Array(NX * NY).fill(1);
  active[3 * NX + 4] = 0;
  active[3 * NX + 5] = 0;
  const chd = new Float64Array(NX * NY).fill(NaN);
  for (let j = 0; j < NY; j++) chd[j * NX + NX - 1] = 10 + 0.1 * j;
  const recharge = Float64Array.from({ length: NX * NY }, (_, k) => 1e-4 * (1 + (k % 3)));
  const arrays: Record<string, Uint8Array> = {
    'active.npy': encodeNpy(active, [NY, NX]),
    'chd.npy': encodeNpy(chd, [NY, NX]),
    'recharge.npy': encodeNpy(recharge, [NY, NX]),
    ...files,
  };
  for (const [name, bytes] of Object.entries(arrays)) writeFileSync(join(dir, name), bytes);
  const json = {
    format: 'ldinv-case/2',
    units: { length: 'm', time: 'd' },
    domain: { x0: 5000, y0: 2000, lx: 1200, ly: 400 },
    grid: { nx: NX, ny: NY },
    thickness: 15,
    active: 'active.npy',
    boundaries: {
      west: { type: 'flux', value: 0.2 },
      north: { type: 'head', values: Array.from({ length: NX }, (_, i) => 12 - 0.1 * i) },
      south: { type: 'no-flow' },
    },
    fixedHeads: 'chd.npy',
    recharge: 'recharge.npy',
    tests: [{ name: 'ambient', wells: [] }, { name: 'PW1', wells: [{ x: 5250, y: 2120, rate: -50 }] }],
    ...overrides,
  };
  writeFileSync(join(dir, 'case.json'), JSON.stringify(json, null, 2));
  writeFileSync(
    join(dir, 'obs.csv'),
    obs ?? 'x,y,head,sigma,test\n5150,2100,11.2,0.01,0\n5900,2300,10.9,0.01,0\n5150,2100,10.1,0.01,1\n5700,2075,10.4,0.01,1\n',
  );
  return dir;
}

/** The bytes NumPy writes for np.save(path, a.T) where a.T has shape [ny, nx]: Fortran order. */
function fortranNpy(cOrder: Float64Array, ny: number, nx: number): Uint8Array {
  const bytes = encodeNpy(cOrder, [ny, nx]);
  const text = Buffer.from(bytes).toString('latin1').replace("'fortran_order': False", "'fortran_order': True ");
  const out = Buffer.from(text, 'latin1');
  const data = new Float64Array(ny * nx);
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) data[i * ny + j] = cOrder[j * nx + i];
  out.set(new Uint8Array(data.buffer), out.length - data.byteLength);
  return out;
}

describe('site cases (ldinv-case/2)', () => {
  it('reads every part of the format and solves it; writing and reading back gives the same heads', () => {
    const c = readCase(site());
    expect(c.units).toEqual({ length: 'm', time: 'd' });
    expect(c.testNames).toEqual(['ambient', 'PW1']);
    expect(c.observations).toHaveLength(4);
    const logK = Float64Array.from({ length: NX * NY }, (_, k) => Math.sin(k) + 1);
    const heads = solveHeads(caseProblem(c), logK);
    expect(heads[0][3 * NX + 4]).toBeNaN();
    expect(heads[1][NX - 1]).toBe(10);
    const copy = join(root, `copy-${dirs++}`);
    writeCase(copy, c);
    expect(readdirSync(copy).sort()).toEqual(['active.npy', 'case.json', 'chd.npy', 'obs.csv', 'recharge.npy']);
    const again = solveHeads(caseProblem(readCase(copy)), logK);
    heads.forEach((h, t) => expect(Array.from(again[t])).toEqual(Array.from(h)));
  });

  it('writes only what it can read back: a site with a well in an inactive cell is refused, nothing written', () => {
    const c = readCase(site());
    const bad = { ...c, tests: [...c.tests, [{ x: 5450, y: 2170, rate: -1 }]], testNames: [...c.testNames!, 'PW2'] };
    const dir = join(root, `refused-${dirs++}`);
    expect(() => writeCase(dir, bad)).toThrow(/case\.json: tests\[2\]\.wells\[0\] \(5450, 2170\) is in inactive cell \(i=4, j=3\)/);
    expect(existsSync(dir)).toBe(false);
    // What is written reads back whole: names, units and side conditions too.
    const copy = join(root, `whole-${dirs++}`);
    writeCase(copy, c);
    const again = readCase(copy);
    expect(again.testNames).toEqual(c.testNames);
    expect(again.units).toEqual(c.units);
    expect(again.bc).toEqual(c.bc);
  });

  it('reads .npy arrays in Fortran order (a transposed array as NumPy saves it) as the same values', () => {
    const chd = new Float64Array(NX * NY).fill(NaN);
    for (let j = 0; j < NY; j++) chd[j * NX + NX - 1] = 10 + 0.1 * j;
    chd[2 * NX] = 11.5; // not symmetric under a transpose mix-up
    const recharge = Float64Array.from({ length: NX * NY }, (_, k) => 1e-4 * (1 + (k % 5)));
    const logK = Float64Array.from({ length: NX * NY }, (_, k) => Math.cos(k));
    const c = readCase(site({}, { 'chd.npy': encodeNpy(chd, [NY, NX]), 'recharge.npy': encodeNpy(recharge, [NY, NX]) }));
    const f = readCase(site({}, { 'chd.npy': fortranNpy(chd, NY, NX), 'recharge.npy': fortranNpy(recharge, NY, NX) }));
    const [a, b] = [solveHeads(caseProblem(c), logK), solveHeads(caseProblem(f), logK)];
    a.forEach((h, t) => expect(Array.from(b[t])).toEqual(Array.from(h)));
  });

  it('solves a v1 case exactly as the v2 case docs/DESIGN.md says it is (to round-off)', () => {
    const shipped = fileURLToPath(new URL('../../../cases/bimat64', import.meta.url));
    const v1 = readCase(shipped);
    const dir = join(root, `v1-as-v2-${dirs++}`);
    cpSync(shipped, dir, { recursive: true });
    writeFileSync(join(dir, 'case.json'), JSON.stringify({
      format: 'ldinv-case/2', domain: { x0: 0, y0: 0, lx: 1, ly: 1 }, grid: v1.grid, thickness: 1,
      boundaries: { west: { type: 'head', value: 1 }, east: { type: 'head', value: 0 } },
      tests: [{ name: 'flow', wells: [] }],
    }));
    const v2 = readCase(dir);
    const [h1] = solveHeads(caseProblem(v1), v1.truthLogK!);
    const [h2] = solveHeads(caseProblem(v2), v1.truthLogK!);
    let diff = 0;
    for (let c = 0; c < h1.length; c++) diff = Math.max(diff, Math.abs(h1[c] - h2[c]));
    expect(diff).toBeLessThan(1e-14);
  });

  const flat = new Float64Array(NX * NY).fill(1);
  const noChd = new Float64Array(NX * NY).fill(NaN);
  it.each([
    ['an active region with no head condition', { boundaries: { west: { type: 'flux', value: 1 } } }, { 'chd.npy': encodeNpy(noChd, [NY, NX]) }, undefined,
      /case\.json: the active region holding cell \(i=0, j=0\) \(94 cells\) has no head condition/],
    ['a well in an inactive cell', { tests: [{ name: 'PW', wells: [{ x: 5450, y: 2170, rate: -1 }] }] }, {}, 'x,y,head,sigma,test\n5150,2100,1,0.1,0\n',
      /case\.json: tests\[0\]\.wells\[0\] \(5450, 2170\) is in inactive cell \(i=4, j=3\)/],
    ['a well in a fixed-head cell', { tests: [{ name: 'PW', wells: [{ x: 6190, y: 2010, rate: -1 }] }] }, {}, 'x,y,head,sigma,test\n5150,2100,1,0.1,0\n',
      /case\.json: tests\[0\]\.wells\[0\] \(6190, 2010\) is in fixed-head cell \(i=11, j=0\)/],
    ['a fixed head on an inactive cell', {}, { 'active.npy': encodeNpy(Float64Array.from(flat, (_, k) => (k === NX - 1 ? 0 : 1)), [NY, NX]) }, undefined,
      /chd\.npy: cell \(i=11, j=0\) has a fixed head but is inactive in active\.npy/],
    ['an array of the wrong shape', {}, { 'recharge.npy': encodeNpy(new Float64Array(NX * NY), [NX, NY]) }, undefined,
      /recharge\.npy: shape must be \[8, 12\] \(the grid of case\.json\), got \[12,8\]/],
    ['a non-finite number in an array', {}, { 'recharge.npy': encodeNpy(Float64Array.from(flat, (v, k) => (k === 13 ? Infinity : 0)), [NY, NX]) }, undefined,
      /recharge\.npy: value at \[1, 1\] must be finite, got Infinity/],
    ['a side with the wrong number of values', { boundaries: { east: { type: 'head', values: [1, 2] } } }, {}, undefined,
      /case\.json: boundaries\.east\.values must hold 8 numbers \(one per boundary cell, south to north\), got 2/],
    ['a sensor next to an inactive cell', {}, {}, 'x,y,head,sigma,test\n5150,2100,1,0.1,0\n5150,2100,1,0.1,0\n5420,2140,1,0.1,1\n',
      /obs\.csv line 4: sensor \(5420, 2140\) needs active cells around it; cell \(i=4, j=3\) is inactive/],
    ['a sensor outside the hull of cell centres', {}, {}, 'x,y,head,sigma,test\n5010,2100,1,0.1,0\n',
      /obs\.csv line 2: sensor \(5010, 2100\) is outside the hull of cell centres \[5050, 6150\] x \[2025, 2375\] of the 12x8 grid/],
    ['an unknown side type', { boundaries: { west: { type: 'river', value: 1 } } }, {}, undefined, /case\.json: boundaries\.west/],
  ] as const)('refuses %s with one line naming the file and the item', (_, overrides, files, obs, message) => {
    const dir = site(overrides as Record<string, unknown>, files as Record<string, Uint8Array>, obs);
    expect(() => readCase(dir)).toThrow(message);
    expect(() => readCase(dir)).toThrow(expect.objectContaining({ message: expect.not.stringContaining('\n') }));
  });
});
