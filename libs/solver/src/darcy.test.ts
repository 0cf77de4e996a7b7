import { describe, expect, it } from 'vitest';
import { logKLevelFree } from './assembly.ts';
import { DarcySystem, solveHeads } from './darcy.ts';
import { fourierField } from './fourier-field.ts';
import type { DarcyProblem, Grid, Well } from './problem.ts';

const wells: Well[] = [
  { x: 0.31, y: 0.62, rate: 0.5 },
  { x: 0.77, y: 0.2, rate: -0.3 },
];

describe('finite-volume Darcy solve', () => {
  it('converges at second order to a manufactured solution on smooth K', () => {
    // h = sin(pi x) sin(pi y) (zero on the boundary, the `source` setup), K = exp(g),
    // f = -div(K grad h) = -K (lap h + g_x h_x + g_y h_y), sampled at cell centres.
    const g = (x: number, y: number) => 0.8 * Math.sin(2 * Math.PI * x) * Math.cos(Math.PI * y) + 0.3 * x;
    const gx = (x: number, y: number) => 1.6 * Math.PI * Math.cos(2 * Math.PI * x) * Math.cos(Math.PI * y) + 0.3;
    const gy = (x: number, y: number) => -0.8 * Math.PI * Math.sin(2 * Math.PI * x) * Math.sin(Math.PI * y);
    const h = (x: number, y: number) => Math.sin(Math.PI * x) * Math.sin(Math.PI * y);
    const errors = [16, 32, 64].map((n) => {
      const grid: Grid = { nx: n, ny: n };
      const logK = new Float64Array(n * n);
      const f = new Float64Array(n * n);
      for (let j = 0; j < n; j++) {
        for (let i = 0; i < n; i++) {
          const [x, y] = [(i + 0.5) / n, (j + 0.5) / n];
          const hx = Math.PI * Math.cos(Math.PI * x) * Math.sin(Math.PI * y);
          const hy = Math.PI * Math.sin(Math.PI * x) * Math.cos(Math.PI * y);
          logK[j * n + i] = g(x, y);
          f[j * n + i] = -Math.exp(g(x, y)) * (-2 * Math.PI ** 2 * h(x, y) + gx(x, y) * hx + gy(x, y) * hy);
        }
      }
      const [heads] = new DarcySystem({ grid, bc: 'source', tests: [[]] }, logK, { source: f }).heads();
      let err = 0;
      for (let j = 0; j < n; j++) {
        for (let i = 0; i < n; i++) err = Math.max(err, Math.abs(heads[j * n + i] - h((i + 0.5) / n, (j + 0.5) / n)));
      }
      return err;
    });
    const ratios = [errors[0] / errors[1], errors[1] / errors[2]];
    for (const r of ratios) {
      expect(r).toBeGreaterThan(3.6);
      expect(r).toBeLessThan(4.4);
    }
  });

  it('reproduces the exact series (harmonic) head profile of a layered K across the flow to 1e-12', () => {
    const grid: Grid = { nx: 37, ny: 11 };
    const layer = fourierField({ nx: 37, ny: 1 }, { seed: 7, sigma: 2.5 });
    const logK = new Float64Array(37 * 11).map((_, c) => layer[c % 37]);
    const [heads] = solveHeads({ grid, bc: 'flow', tests: [[]] }, logK);
    // Resistance from x = 0 to the centre of column i: sum_{l<i} dx/K_l + dx/(2 K_i).
    const dx = 1 / 37;
    const resistance = layer.map((y, i) => dx / Math.exp(y) / 2 + layer.slice(0, i).reduce((a, z) => a + dx / Math.exp(z), 0));
    const q = 1 / layer.reduce((a, y) => a + dx / Math.exp(y), 0);
    let err = 0;
    for (let c = 0; c < heads.length; c++) err = Math.max(err, Math.abs(heads[c] - (1 - q * resistance[c % 37])));
    expect(err).toBeLessThan(1e-12);
  });

  it.each(['flow', 'source'] as const)('conserves mass (%s): boundary outflow = sources to 1e-10', (bc) => {
    const grid: Grid = { nx: 48, ny: 40 };
    const logK = fourierField(grid, { seed: 3, sigma: 2 });
    const problem: DarcyProblem = { grid, bc, tests: [[], wells] };
    const system = new DarcySystem(problem, logK);
    const budgets = system.budget(system.heads());
    problem.tests.forEach((ws, t) => {
      const b = budgets[t];
      const sources = (bc === 'source' ? 1 : 0) + ws.reduce((a, w) => a + w.rate, 0);
      const outflow = b.out.sideHeads - b.in.sideHeads;
      expect(Math.abs(outflow - sources)).toBeLessThan(1e-10);
      expect(Math.abs(b.percentDiscrepancy)).toBeLessThan(1e-8);
      if (bc === 'flow' && t === 0) expect(outflow).toBeCloseTo(0, 10);
    });
  });

  it('solves several pumping tests on one factor as if each were alone', () => {
    const grid: Grid = { nx: 20, ny: 30 };
    const logK = fourierField(grid, { seed: 5, sigma: 2 });
    const tests = [[], wells, [wells[0]]];
    const together = solveHeads({ grid, bc: 'flow', tests }, logK);
    tests.forEach((ws, t) => {
      const [alone] = solveHeads({ grid, bc: 'flow', tests: [ws] }, logK);
      expect(Math.max(...alone.map((v, c) => Math.abs(v - together[t][c])))).toBeLessThan(1e-13);
    });
  });

  it('leaves heads unchanged by a shift of ln K exactly when no test has a source (logKLevelFree)', () => {
    const grid: Grid = { nx: 24, ny: 16 };
    const logK = fourierField(grid, { seed: 8, sigma: 1.5 });
    const shifted = logK.map((v) => v + 1.7);
    const change = (problem: DarcyProblem) => {
      const [a, b] = [solveHeads(problem, logK), solveHeads(problem, shifted)];
      return Math.max(...a.flatMap((h, t) => Array.from(h, (v, c) => Math.abs(v - b[t][c]))));
    };
    const cases: [DarcyProblem, boolean][] = [
      [{ grid, bc: 'flow', tests: [[], [{ x: 0.5, y: 0.5, rate: 0 }]] }, true],
      [{ grid, bc: 'flow', tests: [[], wells] }, false],
      [{ grid, bc: 'source', tests: [[]] }, false],
    ];
    for (const [problem, free] of cases) {
      expect(logKLevelFree(problem)).toBe(free);
      if (free) expect(change(problem)).toBeLessThan(1e-12);
      else expect(change(problem)).toBeGreaterThan(1e-3);
    }
  });

  it('rejects bad ln K and problems with one-line errors', () => {
    const grid: Grid = { nx: 8, ny: 8 };
    const ok = new Float64Array(64);
    const bad = Float64Array.from(ok);
    bad[9] = NaN;
    expect(() => solveHeads({ grid, bc: 'flow', tests: [[]] }, bad)).toThrow('logK[1, 1] must be finite with |ln K| < 700, got NaN');
    expect(() => solveHeads({ grid, bc: 'flow', tests: [[]] }, new Float64Array(63))).toThrow(
      'logK must hold ny * nx = 8 * 8 = 64 values, got 63',
    );
    expect(() => solveHeads({ grid, bc: 'flow', tests: [[{ x: 1.2, y: 0.5, rate: 1 }]] }, ok)).toThrow(
      'test 0 well 0: x must be in [0, 1], got 1.2',
    );
    expect(() => solveHeads({ grid, bc: 'flux' as 'flow', tests: [[]] }, ok)).toThrow('bc must be one of flow, source');
    expect(() => solveHeads({ grid: { nx: 1, ny: 8 }, bc: 'flow', tests: [[]] }, ok)).toThrow('nx and ny must be integers >= 2');
  });
});
