// Sensor layouts of synthetic cases. Sensors must lie in the hull of cell centres, where the bilinear
// observation operator is defined.
import { interpolationStencil, UNIT_SQUARE, type Domain, type Grid, type ObservationGeometry } from '@ldinv/solver';
import { streamRng } from './streams.ts';

export type SensorLayout = 'grid' | 'random';
export const SENSOR_LAYOUTS: readonly SensorLayout[] = ['grid', 'random'];

export interface SensorSpec {
  layout: SensorLayout;
  count: number;
}

export interface Point {
  x: number;
  y: number;
}

/** The hull of cell centres, [x0 + dx/2, x0 + lx - dx/2] x [y0 + dy/2, y0 + ly - dy/2] (unit square by default). */
export function cellCentreHull(grid: Grid, domain: Domain = UNIT_SQUARE): { x0: number; x1: number; y0: number; y1: number } {
  const { x0, y0, lx, ly } = domain;
  return { x0: x0 + (0.5 * lx) / grid.nx, x1: x0 + lx - (0.5 * lx) / grid.nx, y0: y0 + (0.5 * ly) / grid.ny, y1: y0 + ly - (0.5 * ly) / grid.ny };
}

/**
 * `grid`: count = n^2 sensors at x, y in {k / (n + 1)}, k = 1..n (49 -> 7x7 at 0.125..0.875, the standard
 * layout; 225 -> 15x15 at 1/16..15/16), listed row by row from the bottom. `random`: uniform in the hull
 * of cell centres, drawn from the stream (seed, sensors). On a site (geometry), positions are scaled to
 * its domain and must be observable: random draws that touch an inactive cell are drawn again.
 */
export function sensorLayout(grid: Grid, spec: SensorSpec, seed: number, geometry: ObservationGeometry = {}): Point[] {
  const { layout, count } = spec;
  if (!SENSOR_LAYOUTS.includes(layout)) {
    throw new Error(`sensors: layout must be one of ${SENSOR_LAYOUTS.join(', ')}, got '${layout}'`);
  }
  if (!Number.isInteger(count) || count < 1) throw new Error(`sensors: count must be an integer >= 1, got ${count}`);
  if (count > grid.nx * grid.ny) {
    throw new Error(`sensors: count ${count} exceeds the ${grid.nx * grid.ny} cells of the ${grid.nx}x${grid.ny} grid`);
  }
  const domain = geometry.domain ?? UNIT_SQUARE;
  const toSite = (u: number, v: number): Point =>
    domain === UNIT_SQUARE ? { x: u, y: v } : { x: domain.x0 + u * domain.lx, y: domain.y0 + v * domain.ly };
  const observable = (p: Point) => !('error' in interpolationStencil(grid, p.x, p.y, geometry));
  const hull = cellCentreHull(grid);
  if (layout === 'grid') {
    const n = Math.round(Math.sqrt(count));
    if (n * n !== count) throw new Error(`sensors: layout grid needs a perfect square count (n^2), got ${count}`);
    const at = (k: number) => (k + 1) / (n + 1);
    if (at(0) < Math.max(hull.x0, hull.y0)) {
      throw new Error(`sensors: a ${n}x${n} sensor grid does not fit inside the cell centres of the ${grid.nx}x${grid.ny} grid`);
    }
    const points: Point[] = [];
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) points.push(toSite(at(i), at(j)));
    const blocked = points.find((p) => !observable(p));
    if (blocked) throw new Error(`sensors: grid layout point (${blocked.x}, ${blocked.y}) touches an inactive cell; use layout random`);
    return points;
  }
  const rng = streamRng(seed, 'sensors');
  const points: Point[] = [];
  for (let draws = 0; points.length < count; draws++) {
    if (draws > 1000 * count) throw new Error(`sensors: found only ${points.length} of ${count} observable random positions`);
    const p = toSite(hull.x0 + (hull.x1 - hull.x0) * rng.uniform(), hull.y0 + (hull.y1 - hull.y0) * rng.uniform());
    if (!geometry.active || observable(p)) points.push(p);
  }
  return points;
}
