// ldim's refine stage: after the latent descent, a pixel-space correction of each member's latent
// result Y_L (ln K on the grid),
//   L(Y) = Φ(h(Y)) + μ ½|Y − Y_L|²/cells + λ_s ½∫|∇(Y − Y_L)|² dA,
// by the pixel method's adjoint descent (pixel-descent.ts) from Y = Y_L.
// Why: the decoder's range may hold no field that fits the data (dense data, a prior that misses a
// feature); the correction lets Y move where the data disagree with Y_L. The anchor (per cell, so μ
// means the same on every grid) keeps it near Y_L where they do not, and the smoothness term on the
// correction keeps grid-scale noise out. A latent result that already fits is returned unchanged:
// the stage's first evaluation is at Y_L, and the noise-level stop fires there before any step.
import { ArrayAdam } from '../adam.ts';
import { adamOptionsOf, type InvertOptions } from '../invert-options.ts';
import type { MemberRun } from '../member-run.ts';
import type { DataMisfit } from '../objectives/data-misfit.ts';
import { smoothnessPenalty, type SmoothnessGrid } from '../objectives/smoothness.ts';
import type { InversionProblem } from '../problem.ts';
import { pixelDescent, type CellRegulariser, type PixelDescentResult } from './pixel-descent.ts';

/** μ ½|Y − Y_L|²/cells + λ_s ½∫|∇(Y − Y_L)|² dA and its gradient. */
export function refineRegulariser(anchor: Float64Array, grid: SmoothnessGrid, mu: number, smoothness: number): CellRegulariser {
  const cells = anchor.length;
  const diff = new Float64Array(cells);
  const gradS = new Float64Array(cells);
  return (logK, grad) => {
    let sum = 0;
    for (let c = 0; c < cells; c++) {
      diff[c] = logK[c] - anchor[c];
      sum += diff[c] * diff[c];
    }
    const s = smoothness > 0 ? smoothnessPenalty(diff, grid, gradS) : 0;
    for (let c = 0; c < cells; c++) grad[c] = (mu * diff[c]) / cells + (smoothness > 0 ? smoothness * gradS[c] : 0);
    return (0.5 * mu * sum) / cells + smoothness * s;
  };
}

export interface RefineResult extends PixelDescentResult {
  /** Refined ln K, ny*nx row-major. */
  logK: Float64Array;
  /** First history iteration of the stage. */
  refineFrom: number;
}

/** Runs the refine stage of one member from its latent result latentLogK (not modified). */
export function refineMember(
  problem: InversionProblem, misfit: DataMisfit, latentLogK: Float64Array, run: MemberRun, options: InvertOptions,
): RefineResult {
  const refineFrom = run.startStage(options.refineIterations);
  const logK = latentLogK.slice();
  const adam = new ArrayAdam(logK.length, {
    ...adamOptionsOf(options),
    learningRate: options.refineLearningRate,
    horizon: options.refineIterations,
  });
  const regulariser = refineRegulariser(latentLogK, problem.cells, options.refineAnchor, options.smoothness);
  return { ...pixelDescent(problem.darcy, misfit, logK, adam, run, regulariser), logK, refineFrom };
}
