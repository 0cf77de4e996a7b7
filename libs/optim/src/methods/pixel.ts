// The `pixel` baseline: ln K in every cell is the unknown, regularised by the smoothness penalty
//   L(Y) = Φ(h(Y)) + λ ½∫|∇Y|² dA,
// gradient of Φ by the solver's adjoint, Adam on Y (pixel-descent.ts). Members run one after
// another; each owns its Adam state and, under rml, its data.
import { createRng, deriveSeed } from '@ldinv/tensor';
import { ArrayAdam } from '../adam.ts';
import { adamOptionsOf, type InvertOptions, type MemberSpec } from '../invert-options.ts';
import { MemberRun, type MemberResult, type ProgressCallback } from '../member-run.ts';
import { DataMisfit } from '../objectives/data-misfit.ts';
import { perturbData } from '../objectives/rml-perturbation.ts';
import { smoothnessPenalty } from '../objectives/smoothness.ts';
import { truthOf, type InversionProblem } from '../problem.ts';
import { STREAM } from '../streams.ts';
import { pixelDescent, type CellRegulariser } from './pixel-descent.ts';

export function runPixel(problem: InversionProblem, options: InvertOptions, onProgress?: ProgressCallback): MemberResult[] {
  const { grid } = problem.darcy;
  const cells = grid.nx * grid.ny;
  const region = problem.cells;
  const caseMisfit = new DataMisfit(problem.observations, cells);
  const lambda = options.smoothness;
  const smoothness: CellRegulariser | null =
    lambda > 0
      ? (logK, grad) => {
          const value = smoothnessPenalty(logK, region, grad);
          for (let c = 0; c < cells; c++) grad[c] *= lambda;
          return lambda * value;
        }
      : null;

  const runMember = (member: MemberSpec): MemberResult => {
    const start = performance.now();
    const misfit =
      options.mode === 'rml' ? caseMisfit.withData(perturbData(problem.observations, member.seed)) : caseMisfit;
    const logK = new Float64Array(cells).fill(options.pixelInitLogK);
    if (options.pixelInitStd > 0) {
      const rng = createRng(deriveSeed(member.seed, STREAM.pixelStart));
      for (let c = 0; c < cells; c++) logK[c] += options.pixelInitStd * rng.normal();
    }
    const run = new MemberRun(member, options, onProgress, truthOf(problem));
    const { heads, regulariser } = pixelDescent(problem.darcy, misfit, logK, new ArrayAdam(cells, adamOptionsOf(options)), run, smoothness);
    return run.result(caseMisfit, { logK, heads, regulariser }, start);
  };

  return options.members.map(runMember);
}
