import { describe, expect, it } from 'vitest';
import { taylorTest } from '@ldinv/tensor';
import { DarcySystem, lossAndGradient, solveHeads } from './darcy.ts';
import { fourierField } from './fourier-field.ts';
import { ObservationOperator } from './observation.ts';
import { sensorLoss } from './sensor-loss.fixture.ts';
import type { DarcyProblem, Grid, Site, Well } from './problem.ts';

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let c = 0; c < a.length; c++) m = Math.max(m, Math.abs(a[c] - b[c]));
  return m;
};

/** A site that uses every feature: dx != dy, thickness, an inactive block, side heads that vary, a
 *  side flux, fixed-head cells, recharge per cell and two pumping tests. */
function fullSite(grid: Grid): { site: Site; tests: Well[][] } {
  const { nx, ny } = grid;
  const active = new Uint8Array(nx * ny).fill(1);
  const fixedHeads = new Float64Array(nx * ny).fill(NaN);
  const recharge = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const c = j * nx + i;
      if (i >= Math.floor(nx / 2) && i < Math.floor(nx / 2) + 3 && j >= 2 && j < ny - 4) active[c] = 0; // outcrop
      if (i === nx - 1 && j < ny / 2) fixedHeads[c] = 40 - 0.5 * j; // river falling along the east side
      recharge[c] = 2e-4 * (1 + 0.5 * Math.sin(i + j));
    }
  }
  return {
    site: {
      domain: { x0: 5000, y0: 2000, lx: 3000, ly: 1200 },
      thickness: 25,
      active,
      fixedHeads,
      recharge,
      sides: {
        west: { type: 'flux', value: 0.3 },
        north: { type: 'head', values: Array.from({ length: nx }, (_, i) => 45 - 0.1 * i) },
        south: { type: 'no-flow' },
      },
    },
    tests: [[], [{ x: 5600, y: 2500, rate: -800 }], [{ x: 6100, y: 2300, rate: -300 }, { x: 7500, y: 3000, rate: 200 }]],
  };
}

/** Reference: the docs/DESIGN.md equations assembled cell by cell over the unknowns only (fixed-head and
 *  side-head terms moved to the right-hand side), solved by dense Gaussian elimination. */
function denseReference(problem: DarcyProblem, logK: Float64Array, t: number): Float64Array {
  const site = problem.bc as Site;
  const { nx, ny } = problem.grid;
  const dx = site.domain.lx / nx;
  const dy = site.domain.ly / ny;
  const b = site.thickness;
  const K = logK.map(Math.exp);
  const active = (i: number, j: number) => i >= 0 && j >= 0 && i < nx && j < ny && (site.active?.[j * nx + i] ?? 1) !== 0;
  const fixed = (c: number) => Number.isFinite(site.fixedHeads?.[c] ?? NaN);
  const unknowns: number[] = [];
  for (let c = 0; c < nx * ny; c++) if (active(c % nx, Math.floor(c / nx)) && !fixed(c)) unknowns.push(c);
  const index = new Map(unknowns.map((c, k) => [c, k]));
  const m = unknowns.length;
  const A = Array.from({ length: m }, () => new Float64Array(m));
  const rhs = new Float64Array(m);
  const rch = (c: number) => (typeof site.recharge === 'number' ? site.recharge : (site.recharge?.[c] ?? 0));
  unknowns.forEach((c, r) => {
    const i = c % nx;
    const j = Math.floor(c / nx);
    rhs[r] += rch(c) * dx * dy;
    for (const [di, dj] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
      const [w, d] = di !== 0 ? [dy, dx] : [dx, dy];
      const [ni, nj] = [i + di, j + dj];
      if (active(ni, nj)) {
        const nb = nj * nx + ni;
        const C = (b * w * 2 * K[c] * K[nb]) / ((K[c] + K[nb]) * d);
        A[r][r] += C;
        if (fixed(nb)) rhs[r] += C * site.fixedHeads![nb];
        else A[r][index.get(nb)!] -= C;
      } else if (ni < 0 || nj < 0 || ni >= nx || nj >= ny) {
        const side = ni < 0 ? 'west' : ni >= nx ? 'east' : nj < 0 ? 'south' : 'north';
        const cond = site.sides[side];
        const k = side === 'west' || side === 'east' ? j : i;
        if (cond?.type === 'head') {
          const hb = 'values' in cond ? cond.values[k] : cond.value;
          const Cb = (b * w * 2 * K[c]) / d;
          A[r][r] += Cb;
          rhs[r] += Cb * hb;
        } else if (cond?.type === 'flux') {
          rhs[r] += cond.value * w;
        }
      }
    }
  });
  for (const well of problem.tests[t]) {
    const i = Math.min(Math.floor(((well.x - site.domain.x0) / site.domain.lx) * nx), nx - 1);
    const j = Math.min(Math.floor(((well.y - site.domain.y0) / site.domain.ly) * ny), ny - 1);
    rhs[index.get(j * nx + i)!] += well.rate;
  }
  // Gaussian elimination (A is symmetric positive definite: no pivoting needed).
  for (let p = 0; p < m; p++) {
    for (let r = p + 1; r < m; r++) {
      const f = A[r][p] / A[p][p];
      if (f === 0) continue;
      for (let q = p; q < m; q++) A[r][q] -= f * A[p][q];
      rhs[r] -= f * rhs[p];
    }
  }
  const x = new Float64Array(m);
  for (let p = m - 1; p >= 0; p--) {
    let s = rhs[p];
    for (let q = p + 1; q < m; q++) s -= A[p][q] * x[q];
    x[p] = s / A[p][p];
  }
  const h = new Float64Array(nx * ny).fill(NaN);
  for (let c = 0; c < nx * ny; c++) if (fixed(c)) h[c] = site.fixedHeads![c];
  unknowns.forEach((c, k) => (h[c] = x[k]));
  return h;
}

describe('site problems (ldinv-case/2 discretisation)', () => {
  it('solves a v1 preset exactly as the site docs/DESIGN.md says it is', () => {
    const grid: Grid = { nx: 24, ny: 18 };
    const logK = fourierField(grid, { seed: 4, sigma: 2 });
    const tests: Well[][] = [[], [{ x: 0.4, y: 0.3, rate: -0.2 }]];
    const domain = { x0: 0, y0: 0, lx: 1, ly: 1 };
    const head = (value: number) => ({ type: 'head', value }) as const;
    const written: Record<'flow' | 'source', Site> = {
      flow: { domain, thickness: 1, sides: { west: head(1), east: head(0), south: { type: 'no-flow' }, north: { type: 'no-flow' } } },
      source: { domain, thickness: 1, sides: { west: head(0), east: head(0), south: head(0), north: head(0) }, recharge: 1 },
    };
    for (const bc of ['flow', 'source'] as const) {
      const preset = solveHeads({ grid, bc, tests }, logK);
      const site = solveHeads({ grid, bc: written[bc], tests }, logK);
      preset.forEach((h, t) => expect(maxAbs(h, site[t])).toBeLessThan(1e-14));
    }
  });

  it('agrees with a dense solve of the docs/DESIGN.md equations on a site that uses every feature', () => {
    const grid: Grid = { nx: 16, ny: 10 };
    const { site, tests } = fullSite(grid);
    const logK = fourierField(grid, { seed: 9, sigma: 1.5 }).map((v) => v + Math.log(5));
    const heads = solveHeads({ grid, bc: site, tests }, logK);
    tests.forEach((_, t) => {
      const ref = denseReference({ grid, bc: site, tests }, logK, t);
      for (let c = 0; c < ref.length; c++) {
        if (Number.isNaN(ref[c])) expect(heads[t][c]).toBeNaN();
        else expect(Math.abs(heads[t][c] - ref[c])).toBeLessThan(1e-10 * Math.max(1, Math.abs(ref[c])));
      }
    });
  });

  it('reproduces linear heads exactly on a rectangle with dx != dy (side heads, side flux, fixed-head cells)', () => {
    const grid: Grid = { nx: 30, ny: 7 };
    const domain = { x0: 100, y0: 50, lx: 2400, ly: 350 }; // dx = 80, dy = 50
    const logK = new Float64Array(30 * 7).fill(Math.log(12));
    const T = 12 * 8; // K b
    const exact = (x: number) => 20 - 0.004 * (x - 100);
    const centre = (i: number) => 100 + (i + 0.5) * 80;
    // West: flux q = T · 0.004 into the domain; east: side head of the line at x = 2500.
    const bc: Site = {
      domain, thickness: 8,
      sides: { west: { type: 'flux', value: T * 0.004 }, east: { type: 'head', value: exact(2500) } },
    };
    const [h] = solveHeads({ grid, bc, tests: [[]] }, logK);
    for (let c = 0; c < h.length; c++) expect(Math.abs(h[c] - exact(centre(c % 30)))).toBeLessThan(1e-11);
    // The same line held by fixed-head cells in the first and last columns, with no side conditions.
    const fixedHeads = new Float64Array(30 * 7).fill(NaN);
    for (let j = 0; j < 7; j++) {
      fixedHeads[j * 30] = exact(centre(0));
      fixedHeads[j * 30 + 29] = exact(centre(29));
    }
    const [g] = solveHeads({ grid, bc: { domain, thickness: 8, sides: {}, fixedHeads }, tests: [[]] }, logK);
    for (let c = 0; c < g.length; c++) expect(Math.abs(g[c] - exact(centre(c % 30)))).toBeLessThan(1e-11);
  });

  it('converges at second order to a manufactured solution on a rectangle with dx != dy', () => {
    // Domain [0, 2] x [0, 1] with n x n cells (dx = 2 dy); K = exp(g), recharge = -div(K grad h), side
    // heads = h at the face centres. The half-cell boundary difference and K_c on boundary faces are
    // first-order unless h'' and grad g vanish on the sides, as they do for these h and g.
    const g = (x: number, y: number) => 0.6 * Math.cos((Math.PI * x) / 2) * Math.cos(Math.PI * y) + 0.3 * Math.cos(Math.PI * x);
    const gx = (x: number, y: number) =>
      -0.3 * Math.PI * Math.sin((Math.PI * x) / 2) * Math.cos(Math.PI * y) - 0.3 * Math.PI * Math.sin(Math.PI * x);
    const gy = (x: number, y: number) => -0.6 * Math.PI * Math.cos((Math.PI * x) / 2) * Math.sin(Math.PI * y);
    const h = (x: number, y: number) => Math.sin((Math.PI * x) / 2) * Math.sin(Math.PI * y) + 0.3 * x - 0.2 * y + 1;
    const hx = (x: number, y: number) => (Math.PI / 2) * Math.cos((Math.PI * x) / 2) * Math.sin(Math.PI * y) + 0.3;
    const hy = (x: number, y: number) => Math.PI * Math.sin((Math.PI * x) / 2) * Math.cos(Math.PI * y) - 0.2;
    const lap = (x: number, y: number) => -(Math.PI ** 2 / 4 + Math.PI ** 2) * Math.sin((Math.PI * x) / 2) * Math.sin(Math.PI * y);
    const errors = [12, 24, 48].map((n) => {
      const grid: Grid = { nx: n, ny: n };
      const [dx, dy] = [2 / n, 1 / n];
      const logK = new Float64Array(n * n);
      const recharge = new Float64Array(n * n);
      for (let j = 0; j < n; j++) {
        for (let i = 0; i < n; i++) {
          const [x, y] = [(i + 0.5) * dx, (j + 0.5) * dy];
          logK[j * n + i] = g(x, y);
          recharge[j * n + i] = -Math.exp(g(x, y)) * (lap(x, y) + gx(x, y) * hx(x, y) + gy(x, y) * hy(x, y));
        }
      }
      const along = (f: (k: number) => number) => Array.from({ length: n }, (_, k) => f(k));
      const site: Site = {
        domain: { x0: 0, y0: 0, lx: 2, ly: 1 }, thickness: 1, recharge,
        sides: {
          west: { type: 'head', values: along((k) => h(0, (k + 0.5) * dy)) },
          east: { type: 'head', values: along((k) => h(2, (k + 0.5) * dy)) },
          south: { type: 'head', values: along((k) => h((k + 0.5) * dx, 0)) },
          north: { type: 'head', values: along((k) => h((k + 0.5) * dx, 1)) },
        },
      };
      const [heads] = solveHeads({ grid, bc: site, tests: [[]] }, logK);
      let err = 0;
      for (let c = 0; c < n * n; c++) err = Math.max(err, Math.abs(heads[c] - h(((c % n) + 0.5) * dx, (Math.floor(c / n) + 0.5) * dy)));
      return err;
    });
    for (const r of [errors[0] / errors[1], errors[1] / errors[2]]) {
      expect(r).toBeGreaterThan(3.5);
      expect(r).toBeLessThan(4.5);
    }
  });

  it('treats an inactive region as a no-flow wall: the active part solves as the truncated grid', () => {
    const logK16 = fourierField({ nx: 16, ny: 10 }, { seed: 2, sigma: 1 });
    const active = Uint8Array.from({ length: 160 }, (_, c) => (c % 16 < 10 ? 1 : 0));
    const south = Array.from({ length: 16 }, (_, i) => 3 - 0.1 * i);
    const wide: Site = {
      domain: { x0: 0, y0: 0, lx: 16, ly: 10 }, thickness: 2, active, recharge: 0.01,
      sides: { west: { type: 'head', value: 4 }, east: { type: 'head', value: -50 }, south: { type: 'head', values: south } },
    };
    const narrowK = Float64Array.from({ length: 100 }, (_, c) => logK16[Math.floor(c / 10) * 16 + (c % 10)]);
    const narrow: Site = {
      domain: { x0: 0, y0: 0, lx: 10, ly: 10 }, thickness: 2, recharge: 0.01,
      sides: { west: { type: 'head', value: 4 }, south: { type: 'head', values: south.slice(0, 10) } },
    };
    const well = [{ x: 6.5, y: 4.5, rate: -0.4 }];
    const [hw] = solveHeads({ grid: { nx: 16, ny: 10 }, bc: wide, tests: [well] }, logK16);
    const [hn] = solveHeads({ grid: { nx: 10, ny: 10 }, bc: narrow, tests: [well] }, narrowK);
    for (let c = 0; c < 160; c++) {
      if (active[c]) expect(Math.abs(hw[c] - hn[Math.floor(c / 16) * 10 + (c % 16)])).toBeLessThan(1e-12);
      else expect(hw[c]).toBeNaN();
    }
  });

  it('balances the water budget of every test to 1e-8 % with each term as specified', () => {
    const grid: Grid = { nx: 32, ny: 20 };
    const { site, tests } = fullSite(grid);
    const logK = fourierField(grid, { seed: 1, sigma: 2 });
    const system = new DarcySystem({ grid, bc: site, tests }, logK);
    const heads = system.heads();
    const budgets = system.budget(heads);
    const d = system.discretisation;
    const activeWest = Array.from({ length: grid.ny }, (_, j) => d.state[j * grid.nx]).filter((s) => s === 1).length;
    budgets.forEach((b, t) => {
      expect(Math.abs(b.percentDiscrepancy)).toBeLessThan(1e-8);
      expect(b.in.sideFluxes).toBeCloseTo(0.3 * activeWest * (1200 / grid.ny), 9);
      expect(b.in.recharge).toBeCloseTo(d.recharge.reduce((a, v) => a + v, 0), 9);
      expect(b.in.wells - b.out.wells).toBeCloseTo(tests[t].reduce((a, w) => a + w.rate, 0), 12);
      expect(b.in.fixedHeads + b.out.fixedHeads).toBeGreaterThan(0);
    });
  });

  it('passes the Taylor test for the adjoint gradient on a site that uses every feature', () => {
    const grid: Grid = { nx: 20, ny: 12 };
    const { site, tests } = fullSite(grid);
    const problem: DarcyProblem = { grid, bc: site, tests };
    // Sensors near the outcrop, by the river (interpolating from fixed-head cells) and in the open.
    const sensors = [
      { x: 5400, y: 2300 }, { x: 6300, y: 2900 }, { x: 7900, y: 2200 }, { x: 7000, y: 3100 }, { x: 6800, y: 3150 },
    ];
    const obs = new ObservationOperator(grid, sensors, 'sensors', { domain: site.domain, active: site.active });
    const base = fourierField(grid, { seed: 6, sigma: 1.5 });
    const data = tests.map((_, t) => obs.apply(solveHeads(problem, base.map((v) => v * 0.5))[t]));
    const J0 = (m: Float64Array) => {
      const r = lossAndGradient(problem, m, sensorLoss(obs, data));
      return { value: r.value, gradient: r.gradLogK };
    };
    const dm = fourierField(grid, { seed: 11, sigma: 1 });
    const { rates } = taylorTest(J0, base, dm, { eps0: 1e-2 });
    expect(Math.min(...rates)).toBeGreaterThan(1.9);
    // Negative control: a gradient that misses the fixed-head faces fails the test.
    const fixedFree = (m: Float64Array) => {
      const r = J0(m);
      const g = Float64Array.from(r.gradient);
      for (let c = 0; c < g.length; c++) if (c % grid.nx >= grid.nx - 2) g[c] = 0;
      return { value: r.value, gradient: g };
    };
    expect(Math.min(...taylorTest(fixedFree, base, dm, { eps0: 1e-2 }).rates)).toBeLessThan(1.5);
  });

  it('puts a well on the top or right edge into the last cell, even where x0 + lx does not round back', () => {
    const domain = { x0: 0.1, y0: 0.1, lx: 0.2, ly: 0.2 };
    const x = domain.x0 + domain.lx; // 0.30000000000000004
    expect((x - domain.x0) / domain.lx).toBeGreaterThan(1);
    const grid = { nx: 4, ny: 4 };
    const sides = { west: { type: 'head', value: 0 } } as const;
    const system = new DarcySystem({ grid, bc: { domain, thickness: 1, sides }, tests: [[{ x, y: x, rate: 1 }]] }, new Float64Array(16));
    expect(Array.from(system.discretisation.wellCells[0])).toEqual([15]);
  });

  it('refuses ill-posed sites with one-line errors naming the item', () => {
    const grid: Grid = { nx: 6, ny: 4 };
    const logK = new Float64Array(24);
    const domain = { x0: 0, y0: 0, lx: 600, ly: 400 };
    const solve = (bc: Site, tests: Well[][] = [[]]) => () => solveHeads({ grid, bc, tests }, logK);
    expect(solve({ domain, thickness: 1, sides: { west: { type: 'flux', value: 1 } } })).toThrow(
      'the active region holding cell (i=0, j=0) (24 cells) has no head condition',
    );
    const split = Uint8Array.from({ length: 24 }, (_, c) => (c % 6 === 3 ? 0 : 1));
    expect(solve({ domain, thickness: 1, active: split, sides: { west: { type: 'head', value: 1 } } })).toThrow(
      'the active region holding cell (i=4, j=0) (8 cells) has no head condition',
    );
    const held = { domain, thickness: 1, active: split, sides: { west: { type: 'head', value: 1 } as const } };
    expect(solve(held, [[{ x: 350, y: 100, rate: 1 }]])).toThrow('tests[0].wells[0] (350, 100) is in inactive cell (i=3, j=1)');
    const fixedHeads = new Float64Array(24).fill(NaN);
    fixedHeads[5] = 2;
    expect(solve({ ...held, active: undefined, fixedHeads }, [[{ x: 590, y: 10, rate: 1 }]])).toThrow(
      'tests[0].wells[0] (590, 10) is in fixed-head cell (i=5, j=0)',
    );
    fixedHeads[3] = 1;
    expect(solve({ ...held, fixedHeads })).toThrow('fixedHeads: cell (i=3, j=0) has a fixed head but is inactive');
    expect(solve({ domain, thickness: 1, sides: { north: { type: 'head', values: [1, 2] } } })).toThrow(
      'boundaries.north.values must hold 6 numbers (one per boundary cell), got 2',
    );
    expect(solve({ ...held, recharge: new Float64Array(23) })).toThrow('recharge must hold ny * nx = 24 values, got 23');
    expect(solve({ ...held, thickness: 0 })).toThrow('thickness must be finite and > 0, got 0');
    expect(solve(held, [[{ x: 700, y: 10, rate: 1 }]])).toThrow('test 0 well 0: x must be in [0, 600], got 700');
  });
});
