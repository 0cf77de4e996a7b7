import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCase, writeCase, type Case } from './case.ts';
import { fieldSpec } from './field-spec.ts';
import { writeNpy } from './npy.ts';

const root = mkdtempSync(join(tmpdir(), 'ldinv-case-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;

/** A small two-test case with values that are not short decimals (round-trip must be exact). */
function sample(): Case {
  const grid = { nx: 16, ny: 8 };
  const n = grid.nx * grid.ny;
  return {
    grid,
    bc: 'source',
    tests: [[], [{ x: 0.3, y: 0.7, rate: -2.5 }]],
    observations: [
      { x: 0.25, y: 0.5, head: 1 / 3, sigma: 0.01 / 7, test: 0 },
      { x: 0.5, y: 0.125, head: -Math.PI, sigma: 1e-9, test: 1 },
      { x: 0.96875, y: 0.9375, head: 2e-300, sigma: 0.5, test: 1 },
    ],
    noise: 0.01,
    field: fieldSpec('bimaterial', { fraction: 0.3 }),
    seed: 7,
    sensors: { layout: 'random', count: 3 },
    prior: 'bimat64',
    truthLogK: Float64Array.from({ length: n }, (_, k) => Math.sin(k) / 3),
    truthHeads: [0, 1].map((t) => Float64Array.from({ length: n }, (_, k) => Math.cos(k + t) / 7)),
  };
}

function written(c: Case = sample()): string {
  const dir = join(root, `case-${dirs++}`);
  writeCase(dir, c);
  return dir;
}

describe('case directories', () => {
  it('read back exactly what was written (obs.csv, case.json, truth .npy)', () => {
    const c = sample();
    const back = readCase(written(c));
    expect(back).toEqual(c);
    expect(back.observations[0].head).toBe(1 / 3);
    expect(Buffer.from(back.truthLogK!.buffer).equals(Buffer.from(c.truthLogK!.buffer))).toBe(true);
  });

  it('truth files are optional, as are the synthetic-case fields of case.json', () => {
    const { truthLogK: _l, truthHeads: _h, field: _f, seed: _s, noise: _n, sensors: _p, prior: _r, ...minimal } = sample();
    expect(readCase(written(minimal))).toEqual(minimal);
    // Rewriting a directory without truth removes the old truth files.
    const dir = written();
    writeCase(dir, minimal);
    expect(readCase(dir)).toEqual(minimal);
  });

  const badObs: [string, string, string][] = [
    ['NaN head', '0.25,0.5,NaN,0.01,0', 'obs.csv line 2: head must be a finite number, got NaN'],
    ['negative sigma', '0.25,0.5,1,-0.01,0', 'obs.csv line 2: sigma must be > 0, got -0.01'],
    ['zero sigma', '0.25,0.5,1,0,0', 'obs.csv line 2: sigma must be > 0, got 0'],
    ['unknown test', '0.25,0.5,1,0.1,2', 'obs.csv line 2: test 2 is not a test of case.json (tests are 0..1)'],
    ['fractional test', '0.25,0.5,1,0.1,0.5', 'obs.csv line 2: test 0.5 is not a test of case.json (tests are 0..1)'],
    [
      'sensor outside the hull',
      '0.01,0.5,1,0.1,0',
      'obs.csv line 2: sensor (0.01, 0.5) is outside the hull of cell centres [0.03125, 0.96875] x [0.0625, 0.9375] of the 16x8 grid',
    ],
    ['malformed number', '0.25,0.5x,1,0.1,0', 'obs.csv line 2: y is not a number, got "0.5x"'],
    ['empty cell', '0.25,,1,0.1,0', 'obs.csv line 2: y is not a number, got ""'],
    ['missing cell', '0.25,0.5,1,0.1', 'obs.csv line 2: expected 5 columns, got 4'],
  ];
  for (const [what, row, message] of badObs) {
    it(`obs.csv with ${what} is a one-line error naming file, line and field`, () => {
      const dir = written();
      writeFileSync(join(dir, 'obs.csv'), `x,y,head,sigma,test\n0.5,0.5,1,0.1,1\n`.replace('0.5,0.5,1,0.1,1', row));
      expect(() => readCase(dir)).toThrow(`${join(dir, message)}`);
    });
  }

  it('obs.csv: missing columns and a bad line further down are reported with their line', () => {
    const dir = written();
    writeFileSync(join(dir, 'obs.csv'), 'x,y,head,test\n0.5,0.5,1,0\n');
    expect(() => readCase(dir)).toThrow(
      `${join(dir, 'obs.csv')} line 1: missing column sigma (header must name x,y,head,sigma,test, got "x,y,head,test")`,
    );
    writeFileSync(join(dir, 'obs.csv'), 'test,sigma,head,y,x\n0,0.1,1,0.5,0.5\n\n1,0.1,inf,0.5,0.5\n');
    expect(() => readCase(dir)).toThrow(`${join(dir, 'obs.csv')} line 4: head must be a finite number, got inf`);
  });

  const badJson: [string, (j: Record<string, unknown>) => void, string][] = [
    ['grid too small', (j) => ((j.grid as { nx: number }).nx = 4), 'grid.nx: must be >= 8, got 4'],
    ['unknown bc', (j) => (j.bc = 'tide'), 'bc: expected one of "flow", "source", got "tide"'],
    ['missing grid', (j) => delete j.grid, 'grid: missing (expected object)'],
    ['unknown field', (j) => (j.sigma = 1), "(top level): unknown field 'sigma'"],
    ['string rate', (j) => ((j.tests as { wells: { rate: unknown }[] }[])[1].wells[0].rate = '1'), 'tests[1].wells[0].rate: expected number, got "1"'],
    ['negative variance', (j) => ((j.field as { variance: number }).variance = -1), 'field.variance: must be > 0, got -1'],
    ['unknown field kind', (j) => ((j.field as { kind: string }).kind = 'fractal'), 'field.kind: expected one of "gaussian", "bimaterial", got "fractal"'],
    ['equal materials', (j) => ((j.field as { logKHigh: number }).logKHigh = 0), 'field: bimaterial field: logKLow and logKHigh must differ, got 0 for both'],
    ['no tests', (j) => (j.tests = []), 'tests: number of items must be >= 1, got []'],
  ];
  for (const [what, edit, message] of badJson) {
    it(`case.json with ${what} is a one-line error naming the field`, () => {
      const dir = written();
      const path = join(dir, 'case.json');
      const json = JSON.parse(readFileSync(path, 'utf8'));
      edit(json);
      writeFileSync(path, JSON.stringify(json));
      expect(() => readCase(dir)).toThrow(`${path}: ${message}`);
    });
  }

  it('case.json that is not JSON, and truth of the wrong shape, are one-line errors', () => {
    const dir = written();
    writeFileSync(join(dir, 'case.json'), '{"grid": ');
    expect(() => readCase(dir)).toThrow(`${join(dir, 'case.json')}: invalid JSON (`);
    const dir2 = written();
    writeNpy(join(dir2, 'truth_logk.npy'), new Float64Array(16 * 16), [16, 16]);
    expect(() => readCase(dir2)).toThrow(
      `${join(dir2, 'truth_logk.npy')}: shape must be [8, 16] (the grid of case.json), got [16,16]`,
    );
    expect(() => readCase(join(root, 'nowhere'))).toThrow(`${join(root, 'nowhere', 'case.json')}: cannot read (ENOENT)`);
  });

  it('writeCase refuses what readCase would refuse', () => {
    const c = sample();
    c.observations[1] = { ...c.observations[1], sigma: 0 };
    expect(() => writeCase(join(root, 'refused'), c)).toThrow('obs.csv row 2: sigma must be > 0, got 0');
  });
});
