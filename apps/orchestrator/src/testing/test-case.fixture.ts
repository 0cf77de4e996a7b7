// A small synthetic case for the end-to-end tests of the pool and the CLI: 16x16 bimaterial truth,
// flow boundaries, 16 sensors on a grid, 1 % noise. Inverting it with `pixel` takes milliseconds.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fieldSpec, simulateCase, writeCase } from '@ldinv/fields';

export function writeTestCase(dir = mkdtempSync(join(tmpdir(), 'ldinv-case-'))): string {
  const c = simulateCase({
    field: fieldSpec('bimaterial'), grid: { nx: 16, ny: 16 }, sensors: { layout: 'grid', count: 16 },
    noise: 0.01, bc: 'flow', tests: [[]], seed: 3,
  });
  writeCase(dir, c);
  return dir;
}
