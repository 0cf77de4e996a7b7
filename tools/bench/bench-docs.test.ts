import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  benchCommand, checkDocsRequest, figureValue, formatCell, markdownTable, replaceBenchBlock, variantName, writeBenchDocs,
  type DocSection,
} from './bench-docs.ts';

const root = mkdtempSync(join(tmpdir(), 'ldinv-bench-docs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const DOC = [
  '# Benchmarks', '', '## Solver', '', 'History: 2026-11-30, idle, 1.65 ms.', '',
  '<!-- bench:solver:start -->', 'old table', '<!-- bench:solver:end -->', '', '## Queue', '',
  '<!-- bench:queue:start -->', 'queue table', '<!-- bench:queue:end -->', '',
].join('\n');

describe('replaceBenchBlock', () => {
  it('replaces only the named block, keeping its markers and the prose around it', () => {
    const out = replaceBenchBlock(DOC, 'solver', 'new table', 'BENCHMARKS.md');
    expect(out).toContain('<!-- bench:solver:start -->\nnew table\n<!-- bench:solver:end -->');
    expect(out).not.toContain('old table');
    expect(out).toContain('History: 2026-11-30, idle, 1.65 ms.');
    expect(out).toContain('<!-- bench:queue:start -->\nqueue table\n<!-- bench:queue:end -->');
  });

  it('is idempotent', () => {
    const once = replaceBenchBlock(DOC, 'solver', '\nnew table\n\n', 'f.md');
    expect(replaceBenchBlock(once, 'solver', 'new table', 'f.md')).toBe(once);
  });

  it('names the file and the missing marker in one line', () => {
    const noStart = () => replaceBenchBlock(DOC, 'ensemble', 'x', 'docs/BENCHMARKS.md');
    expect(noStart).toThrow(/^docs\/BENCHMARKS\.md: no marker <!-- bench:ensemble:start -->[^\n]*$/);
    const noEnd = DOC.replace('<!-- bench:solver:end -->', '');
    // The queue block's end marker is no substitute for the solver's.
    expect(() => replaceBenchBlock(noEnd, 'solver', 'x', 'f.md')).toThrow('f.md: no marker <!-- bench:solver:end --> after <!-- bench:solver:start -->');
    const endFirst = '<!-- bench:solver:end -->\n<!-- bench:solver:start -->\n';
    expect(() => replaceBenchBlock(endFirst, 'solver', 'x', 'f.md')).toThrow('no marker <!-- bench:solver:end -->');
    expect(() => replaceBenchBlock(DOC + DOC, 'solver', 'x', 'f.md')).toThrow('f.md: marker <!-- bench:solver:start --> appears twice');
  });

  it('keeps a variant block apart from the default one', () => {
    const doc = `${DOC}<!-- bench:solver/site:start -->\nsite\n<!-- bench:solver/site:end -->\n`;
    const out = replaceBenchBlock(doc, 'solver/site', 'site 2', 'f.md');
    expect(out).toContain('old table');
    expect(out).toContain('<!-- bench:solver/site:start -->\nsite 2\n');
  });
});

describe('markdownTable', () => {
  it('formats numbers to 3 significant digits, whole from 100 on, and missing values as a dash', () => {
    expect([1.6534, 54.03, 0.5758, 403.5, 1234.5, 4096, 0.0042, 1.8, null, Number.NaN, 'a|b'].map(formatCell))
      .toEqual(['1.65', '54.0', '0.576', '404', '1235', '4096', '0.00420', '1.80', '–', '–', 'a\\|b']);
    expect(markdownTable({ caption: 'Two grids.', columns: ['grid', 'median ms'], rows: [['64²', 1.6534], ['128²', 8.612]] }))
      .toBe('Two grids.\n\n| grid | median ms |\n| --- | --- |\n| 64² | 1.65 |\n| 128² | 8.61 |');
  });

  it('refuses a row of the wrong length', () => {
    expect(() => markdownTable({ columns: ['a', 'b'], rows: [[1, 2], [3]] })).toThrow('table row 2: 1 cells for 2 columns');
  });
});

describe('writeBenchDocs', () => {
  const section: DocSection = { bench: 'solver', backend: 'wasm', tables: [{ columns: ['grid', 'ms'], rows: [['64²', 1.65]] }] };
  const argv = ['node', 'tools/bench/run.ts', 'solver', '--write-docs'];

  it('writes the stamped table into the block, the same text a second time', () => {
    const file = join(root, 'BENCHMARKS.md');
    writeFileSync(file, DOC);
    writeBenchDocs(section, file, argv);
    const first = readFileSync(file, 'utf8');
    expect(first).toMatch(/Last written by `npm run bench -- solver --write-docs` on \d{4}-\d\d-\d\d \d\d:\d\d UTC \(\d+ cores, .*backend wasm; load average [\d.]+ when written\)\./);
    expect(first).toContain('| 64² | 1.65 |');
    expect(first).not.toContain('old table');
    writeBenchDocs(section, file, argv);
    // Only the stamp (its minute and load) may differ between two writes.
    const unstamped = (s: string) => s.replace(/^Last written by .*$/m, '');
    expect(unstamped(readFileSync(file, 'utf8'))).toBe(unstamped(first));
  });

  it('says before the run when --write-docs cannot be done', () => {
    const file = join(root, 'NO-BLOCK.md');
    writeFileSync(file, '# Benchmarks\n');
    expect(checkDocsRequest('solver', undefined, ['node', 'x', 'solver'], file)).toBe(false);
    expect(checkDocsRequest('solver', undefined, argv, join(root, 'BENCHMARKS.md'))).toBe(true);
    expect(() => checkDocsRequest('solver', undefined, argv, file)).toThrow(`${file}: no marker <!-- bench:solver:start -->`);
    expect(() => checkDocsRequest('solver', 'site', argv, join(root, 'BENCHMARKS.md'))).toThrow('no marker <!-- bench:solver/site:start -->');
    expect(() => checkDocsRequest('solver', undefined, [...argv, '--quick'], file)).toThrow('bench solver: --write-docs with --quick');
  });
});

describe('helpers', () => {
  it('rebuilds the command from run.ts or a direct run', () => {
    expect(benchCommand('invert', ['node', 'run.ts', 'invert', '--preset', 'gaussian-64', '--write-docs'])).toBe('npm run bench -- invert --preset gaussian-64 --write-docs');
    expect(benchCommand('invert', ['node', 'invert.bench.ts', '--write-docs'])).toBe('npm run bench -- invert --write-docs');
  });

  it('names a variant by the non-default parts of its workload', () => {
    expect(variantName([false, false])).toBeUndefined();
    expect(variantName(['ldim', 'bimat64', false])).toBe('ldim-bimat64');
  });

  it('finds a printed figure by name and fields, and says which is missing', () => {
    const figures = [{ figure: 'ms', value: 1, grid: 64 }, { figure: 'ms', value: 2, grid: 128 }];
    expect(figureValue(figures, 'ms', { grid: 128 })).toBe(2);
    expect(() => figureValue(figures, 'ms', { grid: 256 })).toThrow('no printed figure "ms" with {"grid":256}');
  });
});
