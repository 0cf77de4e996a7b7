// Wells CSV (`x,y,rate,test`, one well a line, test = 0-based pumping-test id) -> wells per test.
import { parseCsvColumns } from './csv.ts';
import { validateGrid, validateWell, type Grid, type Well } from './problem.ts';

/**
 * Parses wells CSV text into tests[t] = wells of test t, with parseCsvColumns' rules (columns in
 * any order, comments and blank lines skipped, one-line errors `source line N: column ...`).
 * Test ids must run 0..T-1 without gaps. `grid`, when given, is validated too (the domain is the
 * unit square whatever the grid, so wells are checked against [0, 1]^2).
 */
export function parseWellsCsv(text: string, source: string, grid?: Grid): Well[][] {
  if (grid) validateGrid(grid, source);
  const tests: Well[][] = [];
  for (const { line, values } of parseCsvColumns(text, source, ['x', 'y', 'rate', 'test'] as const)) {
    const where = `${source} line ${line}`;
    const { x, y, rate, test } = values;
    if (!Number.isInteger(test) || test < 0) {
      throw new Error(`${where}: test must be a non-negative integer, got ${test}`);
    }
    const well = { x, y, rate };
    validateWell(well, where);
    while (tests.length <= test) tests.push([]);
    tests[test].push(well);
  }
  const gap = tests.findIndex((w) => w.length === 0);
  if (gap >= 0) throw new Error(`${source}: test ids must run 0..${tests.length - 1} without gaps, test ${gap} has no wells`);
  return tests;
}
