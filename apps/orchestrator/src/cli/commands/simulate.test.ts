import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ldinvIn } from '../../run/ldinv-process.fixture.ts';
import { readCase } from '@ldinv/fields';
import { ObservationOperator, solveHeads } from '@ldinv/solver';

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
