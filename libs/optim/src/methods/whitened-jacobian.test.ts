// The whitened Jacobian Ĵ = ∂((G − d)/σ)/∂z_T that the mcmc chains' Laplace references are built from,
// against central finite differences of the whitened residuals through the same forward path.
import { darcySolveOp, solveHeads } from '@ldinv/solver';
import { createRng, tf } from '@ldinv/tensor';
import { describe, expect, it } from 'vitest';
import { DataMisfit } from '../objectives/data-misfit.ts';
import { cellCentres, syntheticProblem, tomographyProblem } from '../test-cases.fixture.ts';
import { batchLogK, whitenedJacobian } from './latent.ts';
import { tinyPrior } from './tiny-prior.fixture.ts';

describe('whitened Jacobian through the DDIM chain, decoder and adjoint solve', () => {
  const prior = tinyPrior();
  const grid = { nx: 16, ny: 16 };
  const dim = 32;
  const chainSteps = 6;
  const zTrue = Float32Array.from({ length: dim }, (_, i) => Math.sin(1.7 * i + 0.3));
  const truth = Float64Array.from(tf.tidy(() => prior.decode(tf.tensor4d(zTrue, [1, 4, 4, 2])).dataSync()));
  const sensors = cellCentres(grid).filter((_, i) => i % 11 === 0);
  const { problem } = syntheticProblem(tomographyProblem(grid), truth, sensors, 3e-3);
  const misfit = new DataMisfit(problem.observations, grid.nx * grid.ny);
  const rng = createRng(5);
  const z = Float32Array.from({ length: dim }, () => rng.normal());
  const residuals = (zz: Float32Array) => misfit.whitenedResiduals(solveHeads(problem.darcy, batchLogK(prior, zz, chainSteps)));

  it('matches central differences of (G − d)/σ along random directions (chunks of 7, the last one partial)', () => {
    const rows = whitenedJacobian(prior, darcySolveOp(problem.darcy), misfit, z, chainSteps, 7);
    expect(rows.length).toBe(misfit.count);
    expect(misfit.count % 7).not.toBe(0);
    const eps = 1e-2;
    for (let trial = 0; trial < 3; trial++) {
      const u = Float64Array.from({ length: dim }, () => rng.normal());
      const norm = Math.hypot(...u);
      const plus = residuals(Float32Array.from(z, (v, i) => v + (eps * u[i]) / norm));
      const minus = residuals(Float32Array.from(z, (v, i) => v - (eps * u[i]) / norm));
      const difference = Float64Array.from(plus, (v, i) => (v - minus[i]) / (2 * eps));
      const product = Float64Array.from(rows, (row) => row.reduce((s, a, i) => s + (a * u[i]) / norm, 0));
      const error = Math.hypot(...difference.map((v, i) => v - product[i])) / Math.hypot(...difference);
      expect(error).toBeLessThan(2e-3); // measured 5e-5 to 1.5e-4; a wrong sign or scale gives ≥ 0.5
    }
  });

  it('its residuals give the potential: Φ = ½|r̂|² = ½ M χ²/M', () => {
    const heads = solveHeads(problem.darcy, batchLogK(prior, z, chainSteps));
    const r = misfit.whitenedResiduals(heads);
    const half = 0.5 * r.reduce((s, v) => s + v * v, 0);
    expect(Math.abs(half / (0.5 * misfit.count * misfit.chiSquared(heads)) - 1)).toBeLessThan(1e-12);
  });
});
