// Mode mcmc: each member is a Markov chain whose stationary law is the posterior under the learned
// prior. The unknown is the initial noise z_T of the deterministic DDIM chain (param 'noise'), whose
// prior is exactly N(0, I); the potential is Φ(z_T) = ½χ²(heads(decode(chain(z_T)))). Each member first
// descends (the ldim noise descent of options.iterations, any λ: the start of a chain does not change
// what it converges to, only how long burn-in takes), then takes the Laplace approximation at its
// descent result (the whitened Jacobian by one backward pass per datum) as the Gaussian reference of a
// generalized pCN chain (mcmc/gpcn.ts): burn-in adapting β, then mcmcSteps steps keeping every
// mcmcThin-th state. A chain step is a forward pass (DDIM chain, decoder, float64 solve); all chains
// step together, one batched evaluation per step.
import type { Prior } from '@ldinv/prior';
import { darcySolveOp, solveHeads } from '@ldinv/solver';
import { deriveSeed } from '@ldinv/tensor';
import type { InvertOptions } from '../invert-options.ts';
import { laplaceReference, runGpcn, type BatchPotentialValue } from '../mcmc/gpcn.ts';
import type { MemberResult, ProgressCallback } from '../member-run.ts';
import { DataMisfit } from '../objectives/data-misfit.ts';
import type { InversionProblem } from '../problem.ts';
import { STREAM } from '../streams.ts';
import { batchLogK, descendLatents, whitenedJacobian } from './latent.ts';

/** Data per batched backward pass of the Jacobian (memory of the DDIM chain's tape grows with it). */
const JACOBIAN_CHUNK = 16;

export function runLatentMcmc(problem: InversionProblem, prior: Prior, options: InvertOptions, onProgress?: ProgressCallback): MemberResult[] {
  const [h, w, c] = prior.manifest.latentShape;
  const dim = h * w * c;
  const cells = problem.darcy.grid.nx * problem.darcy.grid.ny;
  // The chain's target uses the case's own data (no rml perturbation) and the exact prior term.
  const descended = descendLatents(problem, prior, { ...options, mode: 'multistart', param: 'noise', refineIterations: 0 }, onProgress);
  const caseMisfit = new DataMisfit(problem.observations, cells);
  const M = caseMisfit.count;
  const solve = darcySolveOp(problem.darcy);
  const { mcmcBurnIn: burnIn, mcmcSteps: steps, mcmcThin: thin } = options;
  const starts = descended.map((m) => Float64Array.from(m.z));
  const references = descended.map((m, b) => {
    const residuals = caseMisfit.whitenedResiduals(solveHeads(problem.darcy, m.logK));
    return laplaceReference(starts[b], whitenedJacobian(prior, solve, caseMisfit, m.z, options.initSteps, JACOBIAN_CHUNK), residuals);
  });

  // ln K of the states of the latest evaluation, so a chain can keep the ln K of the state it accepts.
  let evaluatedLogK: Float32Array = new Float32Array(0);
  const potential: BatchPotentialValue = (states) => {
    const packed = new Float32Array(states.length * dim);
    states.forEach((state, b) => packed.set(state, b * dim));
    evaluatedLogK = batchLogK(prior, packed, options.initSteps);
    // Φ = ½χ², the heads in float64 from the float32 field of the tf path.
    return states.map((_, b) => {
      const logK = evaluatedLogK.subarray(b * cells, (b + 1) * cells);
      return 0.5 * M * caseMisfit.chiSquared(solveHeads(problem.darcy, logK));
    });
  };

  const chains = descended.map((m) => ({
    from: m.run.startStage(burnIn + steps, false),
    logK: new Float32Array(0) as Float32Array,
    samples: [] as Float32Array[],
    sampleMisfit: [] as number[],
    acceptance: new Float32Array(burnIn + steps),
    stepSize: options.mcmcStepSize,
  }));
  const seeds = descended.map((m) => deriveSeed(m.spec.seed, STREAM.mcmc));
  let startsTaken = false;
  runGpcn(
    (states) => {
      const r = potential(states);
      if (!startsTaken) {
        chains.forEach((chain, b) => (chain.logK = evaluatedLogK.slice(b * cells, (b + 1) * cells)));
        startsTaken = true;
      }
      return r;
    },
    references,
    starts,
    seeds,
    { burnIn, steps, thin, beta: options.mcmcStepSize, targetAcceptance: options.mcmcTargetAcceptance },
    (step, state) => {
      const chain = chains[step.chain];
      if (step.accepted) chain.logK = evaluatedLogK.slice(step.chain * cells, (step.chain + 1) * cells);
      chain.acceptance[step.step] = step.acceptance;
      chain.stepSize = step.stepSize;
      const chiSquared = (2 * step.potential) / M;
      let normSquared = 0;
      for (let i = 0; i < dim; i++) normSquared += state.xi[i] * state.xi[i];
      // Reported like the descent's λR at λ = 1: ½|z_T|²/M, the prior's share of the loss per datum.
      descended[step.chain].run.record(chiSquared, (0.5 * normSquared) / M, chain.logK);
      if (step.kept) {
        chain.samples.push(chain.logK);
        chain.sampleMisfit.push(chiSquared);
      }
    },
  );

  return descended.map((m, b) => {
    const chain = chains[b];
    const logK = Float64Array.from(chain.logK);
    const heads = solveHeads(problem.darcy, logK);
    const regulariser = m.run.history().regulariser.at(-1) ?? 0;
    const samples = new Float32Array(chain.samples.length * cells);
    chain.samples.forEach((sample, k) => samples.set(sample, k * cells));
    return {
      ...m.run.result(caseMisfit, { logK, heads, regulariser }, m.start),
      priorWeight: m.priorWeight,
      chain: {
        from: chain.from, burnIn, thin, samples,
        sampleMisfit: Float64Array.from(chain.sampleMisfit), acceptance: chain.acceptance, stepSize: chain.stepSize,
      },
    };
  });
}
