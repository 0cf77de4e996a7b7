import { tf, tidyValues } from '@ldinv/tensor';
import { describe, expect, it } from 'vitest';
import { invert } from '../invert.ts';
import { relativeL2 } from '../metrics/relative-l2.ts';
import { DataMisfit } from '../objectives/data-misfit.ts';
import { cellCentres, syntheticProblem, tomographyProblem } from '../test-cases.fixture.ts';
import { tinyPrior } from './tiny-prior.fixture.ts';

describe('mode mcmc (gpCN chains on z_T)', () => {
  const prior = tinyPrior();
  const grid = { nx: 16, ny: 16 };
  const dim = 32;
  const zTrue = Float32Array.from({ length: dim }, (_, i) => Math.sin(1.7 * i + 0.3));
  const truth = Float64Array.from(tf.tidy(() => prior.decode(tf.tensor4d(zTrue, [1, 4, 4, 2])).dataSync()));
  const sensors = cellCentres(grid).filter((_, i) => i % 5 === 0);
  const members = [0, 1, 2, 3].map((index) => ({ index, seed: 40 + index }));
  const common = { method: 'ldim' as const, mode: 'mcmc' as const, members, initSteps: 6, iterations: 40, learningRate: 0.1, noiseTolerance: null, priorWeightWindow: 0 };

  it('with data that carry no information, samples the prior N(0, I) of z_T (closed form: E|z_T|² = dim)', async () => {
    // σ = 100 on heads of range ~1: Φ ~ 1e-5, the posterior is the prior.
    const { problem } = syntheticProblem(tomographyProblem(grid), truth, sensors, 100);
    const steps = 600;
    const result = await invert(problem, prior, { ...common, mcmcBurnIn: 50, mcmcSteps: steps, mcmcThin: 1, mcmcStepSize: 0.1 });
    const M = new DataMisfit(problem.observations, grid.nx * grid.ny).count;
    const draws = result.members.map((m) => {
      const chain = m.chain!;
      // The recorded regulariser of a chain step is ½|z_T|²/M.
      return Array.from(m.history.regulariser.subarray(chain.from + chain.burnIn), (r) => 2 * r * M);
    });
    const all = draws.flat();
    expect(all.length).toBe(members.length * steps);
    const mean = all.reduce((s, v) => s + v, 0) / all.length;
    // |z_T|² ~ χ²(32): mean 32, variance 64. The Laplace reference is nearly the prior (curvature ~1e-4),
    // so burn-in pushes β to its bound 1, where proposals are independent draws from it accepted with
    // probability ~1: the draws are nearly independent.
    const acceptance = result.members.flatMap((m) => Array.from(m.chain!.acceptance.subarray(m.chain!.burnIn)));
    expect(acceptance.reduce((s, a) => s + a, 0) / acceptance.length).toBeGreaterThan(0.99);
    expect(result.members.every((m) => m.chain!.stepSize === 1)).toBe(true);
    const meanError = Math.sqrt(64 / all.length);
    expect(Math.abs(mean - dim)).toBeLessThan(3.5 * meanError);
    const variance = all.reduce((s, v) => s + (v - mean) ** 2, 0) / (all.length - 1);
    // Standard error of a sample variance: var·√((2 + κ)/n), κ = 12/dim the excess kurtosis of χ²(dim).
    expect(Math.abs(variance - 64)).toBeLessThan(3.5 * 64 * Math.sqrt((2 + 12 / dim) / all.length));
  });

  it('with informative data, the chains keep their samples, fit the data and centre on the truth', async () => {
    const { problem } = syntheticProblem(tomographyProblem(grid), truth, sensors, 3e-3);
    const result = await invert(problem, prior, { ...common, mcmcBurnIn: 150, mcmcSteps: 120, mcmcThin: 4 });
    const cells = grid.nx * grid.ny;
    const pooled = new Float64Array(cells);
    let count = 0;
    for (const m of result.members) {
      const chain = m.chain!;
      expect(chain.samples.length).toBe(30 * cells);
      expect(chain.sampleMisfit.length).toBe(30);
      expect(m.history.misfit.length).toBe(chain.from + 270);
      const afterBurnIn = Array.from(chain.acceptance.subarray(150));
      const rate = afterBurnIn.reduce((s, a) => s + a, 0) / afterBurnIn.length;
      // Burn-in adapts β towards acceptance 0.25: measured 0.08–0.20 after it (this posterior is far from its Laplace reference).
      expect(rate).toBeGreaterThan(0.04);
      expect(rate).toBeLessThan(0.5);
      // The last kept sample is the chain's final state (270 steps, 120 after burn-in, thin 4): its χ²/M is the member's (float32 vs float64).
      expect(Math.abs(chain.sampleMisfit[29] / m.misfit - 1)).toBeLessThan(1e-3);
      for (let k = 0; k < 30; k++) {
        for (let i = 0; i < cells; i++) pooled[i] += chain.samples[k * cells + i];
        count++;
      }
    }
    pooled.forEach((v, i) => (pooled[i] = v / count));
    // Against the prior's mean field (200 prior draws of z_T through the chain and the decoder).
    const priorMean = Float64Array.from(tidyValues(() => {
      const zT = tf.randomNormal([200, 4, 4, 2], 0, 1, 'float32', 9) as tf.Tensor4D;
      return prior.decode(prior.ddimChain(zT, common.initSteps)).mean(0);
    }));
    const posteriorMeanError = relativeL2(pooled, truth);
    const priorMeanError = relativeL2(priorMean, truth);
    expect(posteriorMeanError / priorMeanError).toBeLessThan(0.7); // measured 0.492 / 0.917 = 0.54
    for (const m of result.members) expect(m.misfit).toBeLessThan(2.5); // measured 0.66, 0.44, 1.97, 0.44
  });

  it('is refused for methods other than ldim', async () => {
    const { problem } = syntheticProblem(tomographyProblem(grid), truth, sensors, 3e-3);
    await expect(invert(problem, prior, { ...common, method: 'vae' })).rejects.toThrow('invert option mode must be mcmc only with method ldim');
  });
});
