// The `pixel` baseline: ln K in every cell is the unknown, regularised by the smoothness penalty
//   L(Y) = Φ(h(Y)) + λ ½∫|∇Y|² dA,
// gradient of Φ by the solver's adjoint (one factorisation, forward + adjoint solves per iteration),
// Adam on Y. Members run one after another; each owns its Adam state and, under rml, its data.
import { lossAndGradient } from '@ldinv/solver';
import { createRng, deriveSeed } from '@ldinv/tensor';
import { Adam } from '../adam.ts';
import { adamOptionsOf, type InvertOptions, type MemberSpec } from '../invert-options.ts';
import { MemberRun, type MemberResult, type ProgressCallback } from '../member-run.ts';
import { DataMisfit } from '../objectives/data-misfit.ts';
import { perturbData } from '../objectives/rml-perturbation.ts';
import { smoothnessPenalty } from '../objectives/smoothness.ts';
import type { InversionProblem } from '../problem.ts';
import { STREAM } from '../streams.ts';

export function runPixel(problem: InversionProblem, options: InvertOptions, onProgress?: ProgressCallback): MemberResult[] {
  const { grid } = problem.darcy;
  const cells = grid.nx * grid.ny;
  const caseMisfit = new DataMisfit(problem.observations, cells);
  // Work arrays shared by all members of the batch: no allocation inside the iteration loop here.
  const grad = new Float64Array(cells);
  const gradR = new Float64Array(cells);
  const lambda = options.smoothness;

  const runMember = (member: MemberSpec): MemberResult => {
    const start = performance.now();
    const misfit =
      options.mode === 'rml' ? caseMisfit.withData(perturbData(problem.observations, member.seed)) : caseMisfit;
    const logK = new Float64Array(cells).fill(options.pixelInitLogK);
    if (options.pixelInitStd > 0) {
      const rng = createRng(deriveSeed(member.seed, STREAM.pixelStart));
      for (let c = 0; c < cells; c++) logK[c] += options.pixelInitStd * rng.normal();
    }
    const adam = new Adam(cells, adamOptionsOf(options));
    const run = new MemberRun(member, options, onProgress);
    let heads: Float64Array[];
    let regulariser: number;
    for (;;) {
      const r = lossAndGradient(problem.darcy, logK, misfit.loss);
      heads = r.heads;
      regulariser = lambda > 0 ? lambda * smoothnessPenalty(logK, grid, gradR) : 0;
      // Stop before stepping, so the returned ln K is the one whose loss was recorded last.
      if (run.record(2 * r.value, regulariser)) break;
      for (let c = 0; c < cells; c++) grad[c] = r.gradLogK[c] + (lambda > 0 ? lambda * gradR[c] : 0);
      adam.step(logK, grad);
    }
    return {
      index: member.index,
      seed: member.seed,
      logK,
      heads,
      predicted: caseMisfit.predicted(heads),
      misfit: caseMisfit.chiSquared(heads),
      regulariser,
      history: run.history(),
      iterations: run.iterations,
      stopReason: run.stopReason!,
      timeMs: performance.now() - start,
    };
  };

  return options.members.map(runMember);
}
