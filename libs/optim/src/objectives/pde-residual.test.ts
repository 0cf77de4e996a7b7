import { initBackend, tf } from '@ldinv/tensor';
import { describe, expect, it } from 'vitest';
import { darcyResidual, wellForcing, type PointField } from './pde-residual.ts';

const points = [
  [0.1, 0.2],
  [0.35, 0.8],
  [0.5, 0.5],
  [0.77, 0.31],
  [0.9, 0.95],
];

/** Manufactured fields as tf functions of the points and the same fields' analytic residual. */
const cases: {
  name: string;
  logK: PointField;
  head: PointField;
  tests: number;
  residual: (x: number, y: number) => number[];
}[] = [
  {
    // Y = x, h = x: ∇·(e^x ∇x) = e^x.
    name: 'K = exp(x), h = x',
    logK: (p) => tf.slice(p, [0, 0], [-1, 1]),
    head: (p) => tf.slice(p, [0, 0], [-1, 1]),
    tests: 1,
    residual: (x) => [Math.exp(x)],
  },
  {
    // Y = xy; h1 = sin πx sin πy (Δh1 = −2π² h1), h2 = x² + y³ (Δh2 = 2 + 6y):
    // r = e^{xy} (Δh + y ∂x h + x ∂y h).
    name: 'K = exp(xy), two tests h1 = sin πx sin πy, h2 = x² + y³',
    logK: (p) => {
      const [x, y] = tf.split(p, 2, 1);
      return tf.mul(x, y);
    },
    head: (p) => {
      const [x, y] = tf.split(p, 2, 1);
      const h1 = tf.mul(tf.sin(tf.mul(x, Math.PI)), tf.sin(tf.mul(y, Math.PI)));
      return tf.concat([h1, tf.add(tf.square(x), tf.pow(y, 3))], 1) as tf.Tensor2D;
    },
    tests: 2,
    residual: (x, y) => {
      const [s, c] = [Math.sin, Math.cos];
      const pi = Math.PI;
      const h1 = s(pi * x) * s(pi * y);
      const r1 = -2 * pi * pi * h1 + y * pi * c(pi * x) * s(pi * y) + x * pi * s(pi * x) * c(pi * y);
      const r2 = 2 + 6 * y + y * 2 * x + x * 3 * y * y;
      return [r1, r2].map((r) => Math.exp(x * y) * r);
    },
  },
];

describe('darcyResidual (autodiff) against manufactured solutions', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it.each(cases.map((c) => [c.name, c] as const))(`%s on ${backend}`, async (_, c) => {
      await initBackend({ backend });
      const got = tf.tidy(() => {
        const x = tf.tensor2d(points);
        return darcyResidual(c.logK, c.head, c.tests, x, tf.zeros([points.length, c.tests])).dataSync().slice();
      });
      const want = points.flatMap(([x, y]) => c.residual(x, y));
      const scale = Math.max(...want.map(Math.abs));
      const error = Math.max(...want.map((w, k) => Math.abs(got[k] - w)));
      // float32 through three derivative levels: measured ≤ 3e-6 relative.
      expect(error / scale).toBeLessThan(1e-4);
    });
  }

  it('weights the y terms by α for a site in scaled coordinates: e^Y (h_xx + Y_x h_x + α (h_yy + Y_y h_y))', async () => {
    await initBackend({ backend: 'wasm' });
    // Y = xy, h = x² + y³: h_xx = 2, h_yy = 6y, Y_x = y, Y_y = x; α = 9 (cells three times as wide as tall in scaled units).
    const alpha = 9;
    const got = tf.tidy(() => {
      const x = tf.tensor2d(points);
      const logK: PointField = (p) => {
        const [u, v] = tf.split(p, 2, 1);
        return tf.mul(u, v);
      };
      const head: PointField = (p) => {
        const [u, v] = tf.split(p, 2, 1);
        return tf.add(tf.square(u), tf.pow(v, 3));
      };
      return darcyResidual(logK, head, 1, x, tf.fill([points.length, 1], 0.5), alpha).dataSync().slice();
    });
    const want = points.map(([x, y]) => Math.exp(x * y) * (2 + y * 2 * x + alpha * (6 * y + x * 3 * y * y)) + 0.5);
    const error = Math.max(...want.map((w, k) => Math.abs(got[k] - w) / Math.abs(w)));
    expect(error).toBeLessThan(1e-4);
    // α = 1 is the isotropic residual.
    const isotropic = tf.tidy(() =>
      darcyResidual((p) => tf.slice(p, [0, 0], [-1, 1]), (p) => tf.slice(p, [0, 0], [-1, 1]), 1, tf.tensor2d(points), tf.zeros([points.length, 1]), 1).dataSync().slice(),
    );
    points.forEach(([x], k) => expect(isotropic[k]).toBeCloseTo(Math.exp(x), 4));
  });

  it('adds the forcing: f + Gaussian wells, whose sum over a fine grid integrates to the rates', () => {
    const n = 200;
    const grid = new Float32Array(2 * n * n);
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) grid.set([(i + 0.5) / n, (j + 0.5) / n], 2 * (j * n + i));
    const tests = [[], [{ x: 0.5, y: 0.4, rate: 2 }, { x: 0.3, y: 0.7, rate: -0.5 }]];
    const s = wellForcing(grid, tests, 1, 0.05);
    const integral = [0, 1].map((t) => s.filter((_, k) => k % 2 === t).reduce((a, b) => a + b, 0) / (n * n));
    expect(integral[0]).toBeCloseTo(1, 6); // f only
    expect(integral[1]).toBeCloseTo(1 + 1.5, 3); // f + Σ q
    expect(() => wellForcing(grid, tests, 1, 0)).toThrow('wellForcing: width must be > 0, got 0');
  });
});
