import { describe, expect, it } from 'vitest';
import { parseWellsCsv } from './wells-csv.ts';

describe('parseWellsCsv', () => {
  it('groups wells by test id, in any column order', () => {
    const text = 'test,rate,x,y\n0,1.5,0.2,0.3\n# comment\n\n1,-2,0.8,0.9\n0,0.5,1,0\n';
    expect(parseWellsCsv(text, 'wells.csv')).toEqual([
      [{ x: 0.2, y: 0.3, rate: 1.5 }, { x: 1, y: 0, rate: 0.5 }],
      [{ x: 0.8, y: 0.9, rate: -2 }],
    ]);
  });

  it.each([
    ['x,y,q,test\n0.1,0.1,1,0\n', 'wells.csv line 1: missing column rate (header must name x,y,rate,test, got "x,y,q,test")'],
    ['x,y,rate,test\n', 'wells.csv: no rows after the header'],
    ['x,y,rate,test\n0.5,0.5,1\n', 'wells.csv line 2: expected 4 columns, got 3'],
    ['x,y,rate,test\n0.5,abc,1,0\n', 'wells.csv line 2: y is not a number, got "abc"'],
    ['x,y,rate,test\n0.5,0.5,1,0\n1.5,0.5,1,0\n', 'wells.csv line 3: x must be in [0, 1], got 1.5'],
    ['x,y,rate,test\n0.5,0.5,1,0.5\n', 'wells.csv line 2: test must be a non-negative integer, got 0.5'],
    ['x,y,rate,test\n0.5,0.5,1,0\n0.5,0.5,1,2\n', 'wells.csv: test ids must run 0..2 without gaps, test 1 has no wells'],
  ])('rejects %j with a one-line error', (text, message) => {
    expect(() => parseWellsCsv(text, 'wells.csv')).toThrow(message);
  });
});
