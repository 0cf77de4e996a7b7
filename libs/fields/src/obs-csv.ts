// obs.csv: one head measurement per line, header `x,y,head,sigma,test`, read by @ldinv/solver's
// parseCsvColumns (its rules: columns in any order, extra ones ignored, comments and blank lines
// skipped). Every error is one line naming the file, the line and the field.
import { interpolationStencil, parseCsvColumns, type Grid, type ObservationGeometry } from '@ldinv/solver';
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

/** Checks one observation against the grid (and a site's domain and active cells) and the number of
 *  tests; `where` prefixes the message. */
export function checkObservation(o: Observation, where: string, grid: Grid, testCount: number, geometry: ObservationGeometry = {}): void {
  for (const key of ['x', 'y', 'head', 'sigma'] as const) {
    if (!Number.isFinite(o[key])) throw new Error(`${where}: ${key} must be a finite number, got ${o[key]}`);
  }
  if (!(o.sigma > 0)) throw new Error(`${where}: sigma must be > 0, got ${o.sigma}`);
  if (!Number.isInteger(o.test) || o.test < 0 || o.test >= testCount) {
    const known = testCount === 1 ? 'the only test is 0' : `tests are 0..${testCount - 1}`;
    throw new Error(`${where}: test ${o.test} is not a test of case.json (${known})`);
  }
  checkSensor(o, where, grid, geometry);
}

/** A sensor must be observable: inside the hull of cell centres, next to active cells only. */
export function checkSensor(p: { x: number; y: number }, where: string, grid: Grid, geometry: ObservationGeometry = {}): void {
  const stencil = interpolationStencil(grid, p.x, p.y, geometry);
  if ('error' in stencil) {
    const h = cellCentreHull(grid, geometry.domain);
    throw new Error(
      stencil.kind === 'inactive'
        ? `${where}: sensor (${p.x}, ${p.y}) ${stencil.error}`
        : `${where}: sensor (${p.x}, ${p.y}) is outside the hull of cell centres ` +
            `[${h.x0}, ${h.x1}] x [${h.y0}, ${h.y1}] of the ${grid.nx}x${grid.ny} grid`,
    );
  }
}

export function parseObsCsv(
  text: string, source: string, grid: Grid, testCount: number, geometry: ObservationGeometry = {},
): Observation[] {
  return parseCsvColumns(text, source, OBS_COLUMNS).map(({ line, values: o }) => {
    checkObservation(o, `${source} line ${line}`, grid, testCount, geometry);
    return o;
  });
}

/** Shortest decimal text that reads back to the same float64, so the file round-trips exactly. */
export function formatObsCsv(observations: readonly Observation[]): string {
  const rows = observations.map((o) => `${o.x},${o.y},${o.head},${o.sigma},${o.test}`);
  return `${OBS_COLUMNS.join(',')}\n${rows.join('\n')}\n`;
}
