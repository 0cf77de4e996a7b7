import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { solveHeads, type Grid } from '@ldinv/solver';
import { caseProblem, readCase, writeCase } from './case.ts';
import { fieldSpec } from './field-spec.ts';
import { cellCentreHull } from './sensors.ts';
import { simulateCase, type SimulateOptions } from './synthetic.ts';

const root = mkdtempSync(join(tmpdir(), 'ldinv-synthetic-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Bilinear interpolation between cell centres, written out here independently of the solver's operator. */
function bilinear(grid: Grid, field: Float64Array, x: number, y: number): number {
  const u = x * grid.nx - 0.5;
  const v = y * grid.ny - 0.5;
  const i = Math.min(Math.floor(u), grid.nx - 2);
  const j = Math.min(Math.floor(v), grid.ny - 2);
  const a = u - i;
  const b = v - j;
  const f = (di: number, dj: number) => field[(j + dj) * grid.nx + i + di];
  return (1 - a) * (1 - b) * f(0, 0) + a * (1 - b) * f(1, 0) + (1 - a) * b * f(0, 1) + a * b * f(1, 1);
}

const options: SimulateOptions = {
  field: fieldSpec('gaussian'),
  grid: { nx: 32, ny: 32 },
  sensors: { layout: 'grid', count: 49 },
  noise: 0,
  bc: 'flow',
  tests: [[], [{ x: 0.5, y: 0.5, rate: -1 }]],
  seed: 7,
};

describe('synthetic cases', () => {
  it('read back reproduces what was written; noise-free heads equal the solved heads at the sensors to 1e-12', () => {
    const c = simulateCase(options);
    const dir = join(root, 'clean');
    writeCase(dir, c);
    const back = readCase(dir);
    expect(back).toEqual(c);
    // Independent path: solve with the truth read from disk, interpolate by hand.
    const heads = solveHeads(caseProblem(back), back.truthLogK!);
    expect(back.observations).toHaveLength(2 * 49);
    for (const o of back.observations) {
      expect(Math.abs(o.head - bilinear(back.grid, heads[o.test], o.x, o.y))).toBeLessThan(1e-12);
    }
    // The standard 7x7 layout at 0.125 .. 0.875.
    expect(back.observations.slice(0, 8).map((o) => [o.x, o.y])).toEqual([
      ...[1, 2, 3, 4, 5, 6, 7].map((k) => [k / 8, 0.125]),
      [0.125, 0.25],
    ]);
  });

  it('noise: sigma = noise x head range of each test, and residuals / sigma are standard normal', () => {
    const clean = simulateCase({ ...options, sensors: { layout: 'grid', count: 225 } });
    const noisy = simulateCase({ ...options, sensors: { layout: 'grid', count: 225 }, noise: 0.01 });
    expect(noisy.truthLogK).toEqual(clean.truthLogK);
    const z: number[] = [];
    noisy.observations.forEach((o, k) => {
      const h = noisy.truthHeads![o.test];
      const range = Math.max(...h) - Math.min(...h);
      expect(o.sigma).toBeCloseTo(0.01 * range, 15);
      z.push((o.head - clean.observations[k].head) / o.sigma);
    });
    // 450 draws: the mean has SE 0.047 and the std SE 0.033; bounds at ~4 SE.
    const mean = z.reduce((a, b) => a + b, 0) / z.length;
    const std = Math.sqrt(z.reduce((a, b) => a + (b - mean) ** 2, 0) / (z.length - 1));
    expect(Math.abs(mean)).toBeLessThan(0.19);
    expect(Math.abs(std - 1)).toBeLessThan(0.14);
  });

  it('bimaterial truth with random sensors: two values, sensors in the hull, reproducible from the seed', () => {
    const o: SimulateOptions = { ...options, field: fieldSpec('bimaterial'), sensors: { layout: 'random', count: 30 }, bc: 'source' };
    const a = simulateCase(o);
    expect(new Set(a.truthLogK)).toEqual(new Set([0, Math.log(10)]));
    const hull = cellCentreHull(o.grid);
    for (const p of a.observations) {
      expect(p.x).toBeGreaterThanOrEqual(hull.x0);
      expect(p.x).toBeLessThanOrEqual(hull.x1);
      expect(p.y).toBeGreaterThanOrEqual(hull.y0);
      expect(p.y).toBeLessThanOrEqual(hull.y1);
    }
    expect(simulateCase(o)).toEqual(a);
    expect(simulateCase({ ...o, seed: 8 }).truthLogK).not.toEqual(a.truthLogK);
  });

  for (const name of ['grf64', 'bimat64']) {
    it(`shipped case ${name} is what simulate makes from its case.json (64x64, 49 sensors, 1 % noise)`, () => {
      const shipped = readCase(fileURLToPath(new URL(`../../../cases/${name}`, import.meta.url)));
      expect(shipped).toMatchObject({ grid: { nx: 64, ny: 64 }, noise: 0.01, sensors: { layout: 'grid', count: 49 } });
      const { grid, bc, tests, field, sensors, noise, seed } = shipped;
      const made = simulateCase({ grid, bc, tests, field: field!, sensors: sensors!, noise: noise!, seed: seed! });
      // Round-off may move with the FFT code; anything more means the shipped files are stale.
      made.truthLogK!.forEach((v, k) => expect(Math.abs(v - shipped.truthLogK![k])).toBeLessThan(1e-9));
      made.observations.forEach((o, k) => expect(Math.abs(o.head - shipped.observations[k].head)).toBeLessThan(1e-9));
    });
  }

  it('bad sensor settings and noise are one-line errors', () => {
    expect(() => simulateCase({ ...options, grid: { nx: 8, ny: 8 }, sensors: { layout: 'random', count: 65 } })).toThrow(
      'sensors: count 65 exceeds the 64 cells of the 8x8 grid',
    );
    expect(() => simulateCase({ ...options, sensors: { layout: 'grid', count: 50 } })).toThrow(
      'sensors: layout grid needs a perfect square count (n^2), got 50',
    );
    expect(() => simulateCase({ ...options, noise: -0.1 })).toThrow('noise must be >= 0, got -0.1');
  });
});
