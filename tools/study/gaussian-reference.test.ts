import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fieldSpec, simulateCase, writeCase } from '@ldinv/fields';
import { gaussianReference } from './gaussian-reference.ts';
import { cellFigures } from './study-metrics.ts';

const root = mkdtempSync(join(tmpdir(), 'ldinv-reference-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function caseDir(kind: 'gaussian' | 'bimaterial', seed: number): string {
  const dir = join(root, `${kind}-${seed}`);
  writeCase(dir, simulateCase({
    field: fieldSpec(kind, { lx: 0.3, ly: 0.3 }), grid: { nx: 16, ny: 16 }, sensors: { layout: 'grid', count: 64 },
    noise: 0.01, bc: 'flow', tests: [[], [{ x: 0.3, y: 0.6, rate: 1 }]], seed,
  }));
  return dir;
}

describe('gaussianReference', () => {
  const dir = caseDir('gaussian', 7);
  const cache = join(root, 'cache');
  const options = { members: 4, maxIterations: 500 };

  it('finds a MAP that fits to the noise level and beats the posterior draws, whose ensemble is measured', () => {
    const cell = gaussianReference(dir, 11, options, cache, 'g7');
    expect(cell.capped).toBe(0);
    expect(cell.mapChi2).toBeLessThan(1);
    const figures = cellFigures(cell.summary);
    // A posterior draw errs by about √2 times the posterior mean: the MAP below every draw on average.
    expect(cell.mapRelL2).toBeLessThan(figures.singleRelL2);
    expect(cell.mapRelL2).toBeLessThan(0.7); // 0.56 measured; the prior mean errs by 1
    expect(figures.fit15).toBe(1);
    expect(figures.coverageT).toBeGreaterThan(0.5);
    expect(cell.iterations).toHaveLength(5);
  });

  it('reads a finished case back from its cache', () => {
    const first = gaussianReference(dir, 11, options, cache, 'g7');
    const again = gaussianReference(dir, 11, { ...options, maxIterations: 1 }, cache, 'g7');
    expect(again).toEqual(first);
  });

  it('refuses a case whose field is not gaussian', () => {
    expect(() => gaussianReference(caseDir('bimaterial', 8), 11, options, cache, 'b8')).toThrow(/case\.json: field\.kind must be 'gaussian' .* got 'bimaterial'/);
  });
});
