import { describe, expect, it } from 'vitest';
import { parseCsvColumns } from './csv.ts';

describe('parseCsvColumns', () => {
  it('reads the named columns in any order and case, skipping a BOM, comments and blank lines', () => {
    const text = '\uFEFF# made by hand\r\n Y , X ,note\r\n\r\n2, 1 ,7\r\n  # a comment\n-1.5e-1,+.5,0\n';
    expect(parseCsvColumns(text, 'p.csv', ['x', 'y'] as const)).toEqual([
      { line: 4, values: { x: 1, y: 2 } },
      { line: 6, values: { x: 0.5, y: -0.15 } },
    ]);
  });

  it.each([
    ['', 'p.csv: empty file, expected a header x,y'],
    ['# only a comment\n\n', 'p.csv: empty file, expected a header x,y'],
    ['x,z\n1,2\n', 'p.csv line 1: missing column y (header must name x,y, got "x,z")'],
    ['\nx,y,x\n1,2,3\n', 'p.csv line 2: column x appears twice'],
    ['x,y\n', 'p.csv: no rows after the header'],
    ['x,y\n1,2\n1,2,3\n', 'p.csv line 3: expected 2 columns, got 3'],
    ['x,y\n1,2\n# skipped\n1,0x10\n', 'p.csv line 4: y is not a number, got "0x10"'],
    ['x,y\n1,\n', 'p.csv line 2: y is not a number, got ""'],
    ['x,y\n-inf,1\n', 'p.csv line 2: x must be a finite number, got -inf'],
  ])('rejects a malformed file %j with a one-line error naming file, line and column', (text, message) => {
    expect(() => parseCsvColumns(text, 'p.csv', ['x', 'y'] as const)).toThrow(message);
  });
});
