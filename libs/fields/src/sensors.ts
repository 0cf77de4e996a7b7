// Sensor layouts of synthetic cases. Sensors must lie in the hull of cell centres, where the bilinear
// observation operator is defined.
import type { Grid } from '@ldinv/solver';
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

/** The hull of cell centres, [dx/2, 1 - dx/2] x [dy/2, 1 - dy/2]. */
export function cellCentreHull(grid: Grid): { x0: number; x1: number; y0: number; y1: number } {
  return { x0: 0.5 / grid.nx, x1: 1 - 0.5 / grid.nx, y0: 0.5 / grid.ny, y1: 1 - 0.5 / grid.ny };
}

/**
 * `grid`: count = n^2 sensors at x, y in {k / (n + 1)}, k = 1..n (49 -> 7x7 at 0.125..0.875, the standard
 * layout; 225 -> 15x15 at 1/16..15/16), listed row by row from the bottom. `random`: uniform in the hull
 * of cell centres, drawn from the stream (seed, sensors).
 */
export function sensorLayout(grid: Grid, spec: SensorSpec, seed: number): Point[] {
  const { layout, count } = spec;
  if (!SENSOR_LAYOUTS.includes(layout)) {
    throw new Error(`sensors: layout must be one of ${SENSOR_LAYOUTS.join(', ')}, got '${layout}'`);
  }
  if (!Number.isInteger(count) || count < 1) throw new Error(`sensors: count must be an integer >= 1, got ${count}`);
  if (count > grid.nx * grid.ny) {
    throw new Error(`sensors: count ${count} exceeds the ${grid.nx * grid.ny} cells of the ${grid.nx}x${grid.ny} grid`);
  }
  const hull = cellCentreHull(grid);
  if (layout === 'grid') {
    const n = Math.round(Math.sqrt(count));
    if (n * n !== count) throw new Error(`sensors: layout grid needs a perfect square count (n^2), got ${count}`);
    const at = (k: number) => (k + 1) / (n + 1);
    if (at(0) < Math.max(hull.x0, hull.y0)) {
      throw new Error(`sensors: a ${n}x${n} sensor grid does not fit inside the cell centres of the ${grid.nx}x${grid.ny} grid`);
    }
    const points: Point[] = [];
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) points.push({ x: at(i), y: at(j) });
    return points;
  }
  const rng = streamRng(seed, 'sensors');
  return Array.from({ length: count }, () => ({
    x: hull.x0 + (hull.x1 - hull.x0) * rng.uniform(),
    y: hull.y0 + (hull.y1 - hull.y0) * rng.uniform(),
  }));
}
