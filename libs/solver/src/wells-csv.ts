// Wells CSV (`x,y,rate,test`, one well a line, test = 0-based pumping-test id) -> wells per test.
import { validateGrid, validateWell, type Grid, type Well } from './problem.ts';

const COLUMNS = ['x', 'y', 'rate', 'test'] as const;

/**
 * Parses wells CSV text into tests[t] = wells of test t. Blank lines and lines starting with '#'
 * are skipped; columns may come in any order. Errors are one line: `source line N: field ...`.
 * Test ids must run 0..T-1 without gaps. `grid`, when given, is validated too (the domain is the
 * unit square whatever the grid, so wells are checked against [0, 1]^2).
 */
export function parseWellsCsv(text: string, source: string, grid?: Grid): Well[][] {
  if (grid) validateGrid(grid, source);
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const rows = lines
    .map((line, i) => ({ line: i + 1, cells: line.split(',').map((c) => c.trim()) }))
    .filter((r) => !(r.cells.length === 1 && r.cells[0] === '') && !r.cells[0].startsWith('#'));
  if (rows.length === 0) throw new Error(`${source}: empty file, expected a header x,y,rate,test`);
  const header = rows[0];
  const names = header.cells.map((c) => c.toLowerCase());
  const col = COLUMNS.map((name) => names.indexOf(name));
  if (col.some((c) => c < 0)) {
    throw new Error(`${source} line ${header.line}: header must name columns x,y,rate,test, got "${header.cells.join(',')}"`);
  }
  if (rows.length === 1) throw new Error(`${source}: no wells after the header`);
  const tests: Well[][] = [];
  for (const { line, cells } of rows.slice(1)) {
    const where = `${source} line ${line}`;
    if (cells.length !== names.length) {
      throw new Error(`${where}: expected ${names.length} fields, got ${cells.length}`);
    }
    const [x, y, rate, test] = col.map((c, k) => {
      const v = cells[c] === '' ? NaN : Number(cells[c]);
      if (!Number.isFinite(v)) throw new Error(`${where}: ${COLUMNS[k]} must be a number, got "${cells[c]}"`);
      return v;
    });
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
