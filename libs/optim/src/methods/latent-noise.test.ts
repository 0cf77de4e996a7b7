import { darcySolveOp } from '@ldinv/solver';
import { createRng, taylorTest, tf } from '@ldinv/tensor';
import { describe, expect, it } from 'vitest';
import { invert } from '../invert.ts';
import { DataMisfit } from '../objectives/data-misfit.ts';
import { cellCentres, cellField, syntheticProblem, tomographyProblem } from '../test-cases.fixture.ts';
import { batchDataGradient } from './latent.ts';
import { tinyPrior } from './tiny-prior.fixture.ts';

describe('ldim with param noise (unknown z_T, z = DDIM chain of z_T)', () => {
  const prior = tinyPrior();
  const grid = { nx: 16, ny: 16 };
  // A truth in the decoder's range, ln K = decode(z*), seen by every 5th cell in 4 tests.
  const zTrue = Float32Array.from({ length: 32 }, (_, i) => Math.sin(1.7 * i + 0.3));
  const truth = Float64Array.from(tf.tidy(() => prior.decode(tf.tensor4d(zTrue, [1, 4, 4, 2])).dataSync()));
  const { problem } = syntheticProblem(tomographyProblem(grid), truth, cellCentres(grid).filter((_, i) => i % 5 === 0), 3e-3);
  const members = [
    { index: 0, seed: 4 },
    { index: 1, seed: 5 },
  ];

  it('its data gradient through the chain, the decoder and the adjoint solve passes the Taylor test (batch of 2)', () => {
    // Far from the truth's data (a field outside the decoder's range), so the remainder has a clear ε² term.
    const sine = cellField(grid, (x, y) => 0.8 * Math.sin(3 * x) * Math.cos(2 * y));
    const far = syntheticProblem(problem.darcy, sine, cellCentres(grid).filter((_, i) => i % 5 === 0), 3e-3).problem;
    const misfit = new DataMisfit(far.observations, 256);
    const solve = darcySolveOp(problem.darcy);
    const rng = createRng(8);
    const zT = Float64Array.from({ length: 64 }, () => rng.normal());
    const dz = Float64Array.from({ length: 64 }, () => rng.normal());
    const J = (m: Float64Array) => {
      const r = batchDataGradient(prior, solve, [misfit, misfit], Float32Array.from(m), 6);
      return { value: r.evaluations[0].value + r.evaluations[1].value, gradient: r.gradient };
    };
    // float32 tensors: steps from 0.1 to 0.0125 keep the remainder above the rounding of J (~1e-7 J).
    const { rates } = taylorTest(J, zT, dz, { eps0: 0.1, halvings: 3 });
    expect(Math.min(...rates)).toBeGreaterThan(1.9); // measured 1.93, 1.97, 1.98
  });

  it('starts at the latent parametrisation\'s start, lowers the misfit and reports λ ½|z_T|²/dim', async () => {
    const common = { members, iterations: 80, learningRate: 0.1, priorWeight: 0.1, initSteps: 6, noiseTolerance: null, refineIterations: 0, priorWeightWindow: 0 };
    const noise = await invert(problem, prior, { ...common, method: 'ldim', param: 'noise' });
    const latent = await invert(problem, prior, { ...common, method: 'ldim', iterations: 1 });
    for (const [b, m] of noise.members.entries()) {
      // Same N(0, I) draw through the same chain: the same first field (the chain runs inside the tape here).
      expect(Math.abs(m.history.misfit[0] / latent.members[b].history.misfit[0] - 1)).toBeLessThan(1e-5);
      expect(m.history.misfit[0] / m.misfit).toBeGreaterThan(5); // measured 9.3 and 20.5
      // ½|z_T|²/dim of a N(0, I)-like z_T is about ½ (dim 32: 0.25 to 1 is typical); λ is in units
      // of the Bayesian weight dim/M.
      const R = m.regulariser / (common.priorWeight * (32 / new DataMisfit(problem.observations, 256).count));
      expect(R).toBeGreaterThan(0.2); // measured 0.83 and 1.21
      expect(R).toBeLessThan(2);
    }
  });
});
