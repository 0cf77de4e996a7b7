// obs.csv: one head measurement per line, header `x,y,head,sigma,test` (columns in any order; extra columns
// are ignored). Every error is one line naming the file, the line and the field.
import type { Grid } from '@ldinv/solver';
import { cellCentreHull } from './sensors.ts';

export interface Observation {
  x: number;
  y: number;
  /** Measured head. */
  head: number;
  /** Standard deviation of the measurement error, > 0 (same unit as head). */
  sigma: number;
  /** 0-based index of the pumping test in case.json's `tests`. */
  test: number;
}

export const OBS_COLUMNS = ['x', 'y', 'head', 'sigma', 'test'] as const;

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;

function parseNumber(text: string, field: string, where: string): number {
  const t = text.trim();
  if (DECIMAL.test(t)) return Number(t);
  if (NON_FINITE.test(t)) throw new Error(`${where}: ${field} must be a finite number, got ${t}`);
  throw new Error(`${where}: ${field} is not a number, got ${JSON.stringify(t)}`);
}

/** Checks one observation against the grid and the number of tests; `where` prefixes the message. */
export function checkObservation(o: Observation, where: string, grid: Grid, testCount: number): void {
  for (const key of ['x', 'y', 'head', 'sigma'] as const) {
    if (!Number.isFinite(o[key])) throw new Error(`${where}: ${key} must be a finite number, got ${o[key]}`);
  }
  if (!(o.sigma > 0)) throw new Error(`${where}: sigma must be > 0, got ${o.sigma}`);
  if (!Number.isInteger(o.test) || o.test < 0 || o.test >= testCount) {
    const known = testCount === 1 ? 'the only test is 0' : `tests are 0..${testCount - 1}`;
    throw new Error(`${where}: test ${o.test} is not a test of case.json (${known})`);
  }
  const h = cellCentreHull(grid);
  if (o.x < h.x0 || o.x > h.x1 || o.y < h.y0 || o.y > h.y1) {
    throw new Error(
      `${where}: sensor (${o.x}, ${o.y}) is outside the hull of cell centres ` +
        `[${h.x0}, ${h.x1}] x [${h.y0}, ${h.y1}] of the ${grid.nx}x${grid.ny} grid`,
    );
  }
}

export function parseObsCsv(text: string, source: string, grid: Grid, testCount: number): Observation[] {
  const lines = text.split(/\r?\n/);
  const header = lines[0].split(',').map((s) => s.trim());
  const missing = OBS_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new Error(
      `${source} line 1: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ` +
        `(header must name ${OBS_COLUMNS.join(',')}, got ${JSON.stringify(lines[0].trim())})`,
    );
  }
  const duplicate = header.find((c, k) => header.indexOf(c) !== k);
  if (duplicate !== undefined) throw new Error(`${source} line 1: column ${duplicate} appears twice`);
  const column = Object.fromEntries(OBS_COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<
    (typeof OBS_COLUMNS)[number],
    number
  >;
  const observations: Observation[] = [];
  for (let n = 1; n < lines.length; n++) {
    if (lines[n].trim() === '') continue;
    const where = `${source} line ${n + 1}`;
    const cells = lines[n].split(',');
    if (cells.length !== header.length) {
      throw new Error(`${where}: expected ${header.length} columns, got ${cells.length}`);
    }
    const value = (c: (typeof OBS_COLUMNS)[number]) => parseNumber(cells[column[c]], c, where);
    const o: Observation = { x: value('x'), y: value('y'), head: value('head'), sigma: value('sigma'), test: value('test') };
    checkObservation(o, where, grid, testCount);
    observations.push(o);
  }
  if (observations.length === 0) throw new Error(`${source}: no observations (only a header)`);
  return observations;
}

/** Shortest decimal text that reads back to the same float64, so the file round-trips exactly. */
export function formatObsCsv(observations: readonly Observation[]): string {
  const rows = observations.map((o) => `${o.x},${o.y},${o.head},${o.sigma},${o.test}`);
  return `${OBS_COLUMNS.join(',')}\n${rows.join('\n')}\n`;
}
