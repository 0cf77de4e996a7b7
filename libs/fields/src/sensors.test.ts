import { describe, expect, it } from 'vitest';
import { cellCentreHull, sensorLayout } from './sensors.ts';

const grid = { nx: 64, ny: 64 };

describe('sensor layouts', () => {
  it('grid: n^2 sensors at k / (n + 1), row by row from the bottom (7x7 and 15x15 standard layouts)', () => {
    const seven = sensorLayout(grid, { layout: 'grid', count: 49 }, 0);
    expect(seven.slice(0, 7)).toEqual([1, 2, 3, 4, 5, 6, 7].map((k) => ({ x: k / 8, y: 0.125 })));
    expect(seven[48]).toEqual({ x: 0.875, y: 0.875 });
    const fifteen = sensorLayout(grid, { layout: 'grid', count: 225 }, 0);
    expect(new Set(fifteen.map((p) => p.x))).toEqual(new Set(Array.from({ length: 15 }, (_, k) => (k + 1) / 16)));
  });

  it('random: uniform in the hull of cell centres, reproducible from the seed', () => {
    const a = sensorLayout(grid, { layout: 'random', count: 2000 }, 3);
    const h = cellCentreHull(grid);
    expect(a.every((p) => p.x >= h.x0 && p.x <= h.x1 && p.y >= h.y0 && p.y <= h.y1)).toBe(true);
    // Uniform: the mean of 2000 draws is within 4 SE (0.29 / sqrt(2000) = 0.0064) of the centre.
    expect(Math.abs(a.reduce((s, p) => s + p.x, 0) / a.length - 0.5)).toBeLessThan(0.026);
    expect(sensorLayout(grid, { layout: 'random', count: 2000 }, 3)).toEqual(a);
    expect(sensorLayout(grid, { layout: 'random', count: 5 }, 4)).not.toEqual(a.slice(0, 5));
  });

  it('rejects counts the grid cannot hold, in one line', () => {
    expect(() => sensorLayout({ nx: 8, ny: 8 }, { layout: 'random', count: 65 }, 0)).toThrow(
      'sensors: count 65 exceeds the 64 cells of the 8x8 grid',
    );
    expect(() => sensorLayout({ nx: 8, ny: 8 }, { layout: 'grid', count: 81 }, 0)).toThrow(
      'sensors: count 81 exceeds the 64 cells of the 8x8 grid',
    );
    expect(() => sensorLayout({ nx: 8, ny: 128 }, { layout: 'grid', count: 1024 }, 0)).toThrow(
      'sensors: a 32x32 sensor grid does not fit inside the cell centres of the 8x128 grid',
    );
    expect(() => sensorLayout(grid, { layout: 'lattice' as 'grid', count: 4 }, 0)).toThrow(
      "sensors: layout must be one of grid, random, got 'lattice'",
    );
    expect(() => sensorLayout(grid, { layout: 'grid', count: 0 }, 0)).toThrow('sensors: count must be an integer >= 1, got 0');
  });
});
