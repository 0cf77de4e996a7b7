import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ldinvIn } from '../../testing/ldinv-process.fixture.ts';
import { fileURLToPath } from 'node:url';
import { encodeNpy, readCase, readCaseDescription } from '@ldinv/fields';
import { ObservationOperator, observationGeometry, solveHeads } from '@ldinv/solver';

const SITE = fileURLToPath(new URL('../../../../../cases/site', import.meta.url));

const cwd = mkdtempSync(join(tmpdir(), 'ldinv-simulate-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const ldinv = (...args: string[]) => ldinvIn(cwd, ...args);

describe('ldinv simulate', () => {
  it('writes a case that readCase reads back; noise-free heads are the solver heads at the sensors', async () => {
    writeFileSync(join(cwd, 'wells.csv'), 'x,y,rate,test\n0.3,0.3,-1,0\n0.7,0.6,-2,1\n');
    const run = await ldinv(
      'simulate', '--field', 'bimaterial', '--grid', '16', '--sensors', '9', '--noise', '0', '--bc', 'source',
      '--tests', 'wells.csv', '--seed', '3', '--out', 'cases/small',
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^wrote cases\/small: bimaterial 16x16, 9 sensors x 2 test\(s\)/);
    const c = readCase(join(cwd, 'cases/small'));
    expect(c).toMatchObject({ grid: { nx: 16, ny: 16 }, bc: 'source', seed: 3, noise: 0, field: { kind: 'bimaterial' } });
    expect(c.tests).toEqual([[{ x: 0.3, y: 0.3, rate: -1 }], [{ x: 0.7, y: 0.6, rate: -2 }]]);
    expect(new Set(c.truthLogK)).toEqual(new Set([0, Math.log(10)]));
    const heads = solveHeads(c, c.truthLogK!);
    const points = c.observations.filter((o) => o.test === 0);
    const at = new ObservationOperator(c.grid, points);
    for (const t of [0, 1]) {
      const expected = at.apply(heads[t]);
      c.observations.filter((o) => o.test === t).forEach((o, k) => expect(Math.abs(o.head - expected[k])).toBeLessThan(1e-12));
    }
    const again = await ldinv('simulate', '--grid', '16', '--sensors', '9', '--out', 'cases/small');
    expect(again.stderr).toBe(`ldinv: ${join('cases/small', 'case.json')} exists; pass --force to overwrite it\n`);
  });

  it('makes the synthetic twin of a site from its case.json, a given truth and observation wells (--case)', async () => {
    const description = readCaseDescription(SITE);
    const { nx, ny } = description.grid;
    const truth = Float64Array.from({ length: nx * ny }, (_, k) => 1 + 0.5 * Math.sin(k / 7));
    writeFileSync(join(cwd, 'truth.npy'), encodeNpy(truth, [ny, nx]));
    writeFileSync(join(cwd, 'wells-xy.csv'), 'x,y\n513000.5,5311000.25\n515800,5312500\n514000,5310100\n');
    const run = await ldinv(
      'simulate', '--case', SITE, '--truth', 'truth.npy', '--observation-wells', 'wells-xy.csv', '--noise', '0', '--out', 'twin',
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const c = readCase(join(cwd, 'twin'));
    expect(c.bc).toEqual(description.bc);
    expect(c.testNames).toEqual(description.testNames);
    expect(c.observations).toHaveLength(3 * c.tests.length);
    const heads = solveHeads(c, truth);
    const at = new ObservationOperator(c.grid, c.observations.slice(0, 3), 'wells', observationGeometry(c));
    c.tests.forEach((_, t) => {
      const expected = at.apply(heads[t]);
      c.observations.filter((o) => o.test === t).forEach((o, k) => expect(Math.abs(o.head - expected[k])).toBeLessThan(1e-12));
    });
    // Random observation wells avoid the outcrop: every one is observable, or readCase would refuse.
    const random = await ldinv('simulate', '--case', SITE, '--truth', 'truth.npy', '--sensors', '30', '--seed', '4', '--out', 'twin-random');
    expect(random.code).toBe(0);
    expect(readCase(join(cwd, 'twin-random')).observations).toHaveLength(30 * c.tests.length);
    const outcrop = await ldinv('simulate', '--case', SITE, '--truth', 'truth.npy', '--observation-wells', 'in-outcrop.csv', '--out', 'no');
    expect(outcrop.stderr).toMatch(/^ldinv: in-outcrop.csv: cannot read/);
    writeFileSync(join(cwd, 'in-outcrop.csv'), 'x,y\n513500,5312300\n');
    const blocked = await ldinv('simulate', '--case', SITE, '--truth', 'truth.npy', '--observation-wells', 'in-outcrop.csv', '--out', 'no');
    expect(blocked.stderr).toMatch(/^ldinv: in-outcrop.csv line 2: sensor \(513500, 5312300\) needs active cells around it; cell \(i=\d+, j=\d+\) is inactive\n$/);
    expect(blocked.code).toBe(1);
  });

  const bad: [string, string[], RegExp | string][] = [
    ['negative variance', ['--grid', '16', '--variance', '-1'], 'gaussian field: variance must be > 0, got -1'],
    ['zero length scale', ['--grid', '16', '--length', '0'], 'gaussian field: lx must be > 0, got 0'],
    ['grid < 8', ['--grid', '4'], '--grid must be an integer >= 8, got "4"'],
    [
      'more sensors than cells',
      ['--grid', '8', '--sensors', '100', '--layout', 'random'],
      'sensors: count 100 exceeds the 64 cells of the 8x8 grid',
    ],
    ['malformed wells CSV', ['--grid', '16', '--tests', 'bad-wells.csv'], /^bad-wells\.csv line 2: rate /],
    ['missing wells CSV', ['--grid', '16', '--tests', 'none.csv'], 'none.csv: cannot read (ENOENT)'],
    ['unknown field', ['--grid', '16', '--field', 'fractal'], "field must be one of gaussian, bimaterial, got 'fractal'"],
  ];
  it('bad input is a one-line error with exit code 1', async () => {
    writeFileSync(join(cwd, 'bad-wells.csv'), 'x,y,rate,test\n0.5,0.5,abc,0\n');
    const runs = await Promise.all(bad.map(([, args]) => ldinv('simulate', ...args, '--out', 'cases/bad')));
    runs.forEach((run, k) => {
      const [what, , message] = bad[k];
      expect(run.code, what).toBe(1);
      expect(run.stderr.split('\n'), what).toHaveLength(2); // one line + the final newline
      const line = run.stderr.trimEnd().replace(/^ldinv: /, '');
      if (typeof message === 'string') expect(line, what).toBe(message);
      else expect(line, what).toMatch(message);
    });
  });
});
