// The one reader of the project's numeric CSV files (wells CSV, obs.csv, observation-well lists). Rules:
// a UTF-8 BOM and CRLF are accepted; blank lines and lines whose first non-blank character is '#'
// are skipped anywhere; the first other line is the header, whose names are trimmed and matched
// without regard to case, in any order, extra columns ignored; every cell is trimmed and must be a
// plain decimal number. Every error is one line naming the file, the line and the column.

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;

export interface CsvRow<C extends string> {
  /** 1-based line number in the file. */
  line: number;
  values: Record<C, number>;
}

function parseNumber(text: string, column: string, where: string): number {
  if (DECIMAL.test(text)) return Number(text);
  if (NON_FINITE.test(text)) throw new Error(`${where}: ${column} must be a finite number, got ${text}`);
  throw new Error(`${where}: ${column} is not a number, got ${JSON.stringify(text)}`);
}

/** Rows of a CSV whose header names at least `columns` (lower-case), as numbers with their line numbers. */
export function parseCsvColumns<C extends string>(text: string, source: string, columns: readonly C[]): CsvRow<C>[] {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((raw, i) => ({ line: i + 1, text: raw.trim() }))
    .filter((l) => l.text !== '' && !l.text.startsWith('#'));
  if (lines.length === 0) throw new Error(`${source}: empty file, expected a header ${columns.join(',')}`);
  const [head, ...body] = lines;
  const header = head.text.split(',').map((s) => s.trim().toLowerCase());
  const missing = columns.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new Error(
      `${source} line ${head.line}: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ` +
        `(header must name ${columns.join(',')}, got ${JSON.stringify(head.text)})`,
    );
  }
  const duplicate = header.find((c, k) => header.indexOf(c) !== k);
  if (duplicate !== undefined) throw new Error(`${source} line ${head.line}: column ${duplicate} appears twice`);
  if (body.length === 0) throw new Error(`${source}: no rows after the header`);
  return body.map(({ line, text: row }) => {
    const where = `${source} line ${line}`;
    const cells = row.split(',').map((s) => s.trim());
    if (cells.length !== header.length) throw new Error(`${where}: expected ${header.length} columns, got ${cells.length}`);
    const values = Object.fromEntries(columns.map((c) => [c, parseNumber(cells[header.indexOf(c)], c, where)])) as Record<C, number>;
    return { line, values };
  });
}
