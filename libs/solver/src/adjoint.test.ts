import { taylorTest, tf } from '@ldinv/tensor';
import { describe, expect, it } from 'vitest';
import { lossAndGradient } from './darcy.ts';
import { darcySolveOp } from './darcy-op.ts';
import { fourierField } from './fourier-field.ts';
import { ObservationOperator } from './observation.ts';
import { sensorLoss } from './sensor-loss.fixture.ts';
import type { BoundarySetup, DarcyProblem, Grid } from './problem.ts';

const grid: Grid = { nx: 20, ny: 16 };
const LN_1E6 = Math.log(1e6);

/** ln K with K_max / K_min = 1e6: a smooth field pushed towards two facies by tanh. */
function contrastField(seed: number): Float64Array {
  const s = fourierField(grid, { seed, sigma: 1 });
  const y = s.map((v) => Math.tanh(2 * v));
  const [lo, hi] = [Math.min(...y), Math.max(...y)];
  return y.map((v) => ((v - lo) / (hi - lo) - 0.5) * LN_1E6);
}

function problemFor(bc: BoundarySetup): DarcyProblem {
  return {
    grid,
    bc,
    tests: [
      [{ x: 0.3, y: 0.4, rate: 1 }],
      [{ x: 0.7, y: 0.55, rate: -0.5 }, { x: 0.2, y: 0.8, rate: 0.8 }],
    ],
  };
}

const sensors = [
  { x: 0.1, y: 0.2 }, { x: 0.45, y: 0.5 }, { x: 0.8, y: 0.3 }, { x: 0.6, y: 0.9 }, { x: 0.33, y: 0.71 },
];

describe('adjoint gradient', () => {
  it.each(['flow', 'source'] as const)(
    'passes the Taylor test through the observation operator at contrast 1e6 (%s, float64)',
    (bc) => {
      const problem = problemFor(bc);
      const obs = new ObservationOperator(grid, sensors);
      const data = [obs.apply(new Float64Array(320).fill(0.2)), obs.apply(new Float64Array(320).fill(-0.1))];
      const loss = sensorLoss(obs, data);
      const m = contrastField(11);
      expect(Math.exp(Math.max(...m) - Math.min(...m))).toBeCloseTo(1e6, -3);
      const dm = fourierField(grid, { seed: 12, sigma: 1, maxWavenumber: 10 });
      const J = (x: Float64Array) => {
        const r = lossAndGradient(problem, x, loss);
        return { value: r.value, gradient: r.gradLogK };
      };
      const { rates } = taylorTest(J, m, dm, { eps0: 1e-2, halvings: 4 });
      expect(rates).toHaveLength(4);
      expect(Math.min(...rates)).toBeGreaterThan(1.9);
    },
  );

  it('detects a wrong gradient (rate 1)', () => {
    const problem = problemFor('flow');
    const loss = (heads: Float64Array[]) => ({
      value: heads.reduce((a, h) => a + h.reduce((b, v) => b + v * v, 0), 0),
      dHeads: heads.map((h) => h.map((v) => 2 * v)),
    });
    const m = contrastField(3);
    const dm = fourierField(grid, { seed: 4 });
    const J = (x: Float64Array) => {
      const r = lossAndGradient(problem, x, loss);
      return { value: r.value, gradient: r.gradLogK.map((g) => 1.05 * g) };
    };
    const { rates } = taylorTest(J, m, dm, { eps0: 1e-4 });
    expect(Math.max(...rates)).toBeLessThan(1.2);
  });
});

describe('darcySolveOp (tf.customGrad)', () => {
  it.each(['flow', 'source'] as const)('passes the Taylor test in float32 at contrast 1e6 (%s)', (bc) => {
    const problem = problemFor(bc);
    const op = darcySolveOp(problem);
    const obs = new ObservationOperator(grid, sensors);
    // Loss through the op and the observation operator: sum over tests of w . O h_t.
    const weights = sensors.map((_, i) => 1 + i);
    const wGrid = tf.tensor(Float32Array.from(obs.applyTranspose(weights)), [1, 1, grid.ny, grid.nx]);
    const lossOf = (logK: tf.Tensor3D) => tf.sum(tf.mul(op(logK), wGrid));
    const gradOf = tf.grad((x: tf.Tensor) => lossOf(x as tf.Tensor3D));
    const toTensor = (x: Float64Array) => tf.tensor3d(Float32Array.from(x), [1, grid.ny, grid.nx]);
    const J = (x: Float64Array) => {
      const t = toTensor(x);
      const loss = lossOf(t);
      const grad = gradOf(t);
      const result = { value: loss.dataSync()[0], gradient: Float64Array.from(grad.dataSync()) };
      tf.dispose([t, loss, grad]);
      return result;
    };
    const m = contrastField(21);
    const dm = fourierField(grid, { seed: 22 });
    // Large steps keep the O(eps^2) remainder far above float32 round-off of the heads (~1e-7);
    // measured rates 1.97..2.00.
    const { rates } = taylorTest(J, m, dm, { eps0: 0.2, halvings: 4 });
    expect(Math.min(...rates)).toBeGreaterThan(1.9);
  });

  it('matches lossAndGradient for a batch of members and several tests', () => {
    const problem = problemFor('flow');
    const op = darcySolveOp(problem);
    const n = grid.nx * grid.ny;
    const members = [contrastField(31), fourierField(grid, { seed: 32, sigma: 2 })];
    const w = fourierField(grid, { seed: 33 });
    const logK = tf.tensor3d(Float32Array.from(members.flatMap((m) => [...m])), [2, grid.ny, grid.nx]);
    const heads = op(logK);
    expect(heads.shape).toEqual([2, 2, grid.ny, grid.nx]);
    const wT = tf.tensor(Float32Array.from(w), [1, 1, grid.ny, grid.nx]);
    const grad = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(op(x as tf.Tensor3D), wT)))(logK).dataSync();
    const hData = heads.dataSync();
    members.forEach((m, b) => {
      const f32 = Float64Array.from(Float32Array.from(m));
      const ref = lossAndGradient(problem, f32, (hs) => ({
        value: hs.reduce((a, h) => a + h.reduce((s, v, c) => s + v * w[c], 0), 0),
        dHeads: hs.map(() => Float64Array.from(w)),
      }));
      ref.heads.forEach((h, t) => {
        for (let c = 0; c < n; c++) expect(Math.abs(hData[(b * 2 + t) * n + c] - h[c])).toBeLessThan(1e-6 * Math.max(1, Math.abs(h[c])));
      });
      const scale = Math.max(...ref.gradLogK.map(Math.abs));
      for (let c = 0; c < n; c++) expect(Math.abs(grad[b * n + c] - ref.gradLogK[c]) / scale).toBeLessThan(1e-5);
    });
  });

  it('rejects a ln K tensor of the wrong shape', () => {
    const op = darcySolveOp(problemFor('flow'));
    expect(() => op(tf.zeros([1, 16, 21]) as tf.Tensor3D)).toThrow('darcySolveOp: logK must have shape [B, 16, 20], got [1,16,21]');
  });
});
