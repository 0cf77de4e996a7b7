import { darcySolveOp, lossAndGradient } from '@ldinv/solver';
import { tf } from '@ldinv/tensor';
import { describe, expect, it } from 'vitest';
import { cellField, syntheticProblem, tomographyProblem } from '../test-cases.fixture.ts';
import { DataMisfit } from './data-misfit.ts';
import { misfitOfHeads, type MisfitEvaluation } from './misfit-op.ts';

describe('misfitOfHeads behind darcySolveOp', () => {
  it('gives per-member Φ and a ln K gradient equal to the solver reduced functional (float32 tolerance)', () => {
    const grid = { nx: 10, ny: 8 };
    const darcy = tomographyProblem(grid);
    const truth = cellField(grid, (x, y) => Math.sin(2 * x) - y);
    const points = [0.2, 0.5, 0.8].flatMap((x) => [0.2, 0.5, 0.8].map((y) => ({ x, y })));
    const { problem } = syntheticProblem(darcy, truth, points, 1e-2);
    const base = new DataMisfit(problem.observations, 80);
    // Two members with different data (as RML members have).
    const misfits = [base, base.withData(problem.observations.map((o) => o.data.map((d) => d + 0.01)))];
    const fields = [cellField(grid, (x) => 0.3 * x), cellField(grid, (x, y) => 0.2 * Math.cos(3 * y))];
    const evaluations: MisfitEvaluation[] = [];
    const op = misfitOfHeads(misfits, evaluations);
    const solve = darcySolveOp(darcy);
    const packed = new Float32Array(160);
    fields.forEach((f, b) => packed.set(f, b * 80));
    const grad = tf.tidy(() => tf.grad((l: tf.Tensor) => op(solve(l as tf.Tensor3D)))(tf.tensor3d(packed, [2, 8, 10])).dataSync());
    fields.forEach((f, b) => {
      const ref = lossAndGradient(darcy, Float32Array.from(f), misfits[b].loss);
      expect(evaluations[b].value).toBeCloseTo(ref.value, 3);
      expect(Math.abs(evaluations[b].value / ref.value - 1)).toBeLessThan(1e-4);
      let err = 0;
      let norm = 0;
      for (let c = 0; c < 80; c++) {
        err += (grad[b * 80 + c] - ref.gradLogK[c]) ** 2;
        norm += ref.gradLogK[c] ** 2;
      }
      expect(Math.sqrt(err / norm)).toBeLessThan(1e-4);
    });
  });
});
