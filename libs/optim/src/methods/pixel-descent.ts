// Adam on ln K in every cell, the loop shared by the `pixel` method and ldim's refine stage:
//   L(Y) = Φ(h(Y)) + R(Y),
// ∇Φ by the solver's adjoint (lossAndGradient: one factorisation, forward + adjoint solves per
// iteration), R and ∇R by the caller's regulariser. Runs until the member's current stage stops.
import { lossAndGradient, type DarcyProblem } from '@ldinv/solver';
import type { ArrayAdam } from '../adam.ts';
import type { MemberRun } from '../member-run.ts';
import type { DataMisfit } from '../objectives/data-misfit.ts';

/** R(Y); writes ∂R/∂Y into grad (overwritten). */
export type CellRegulariser = (logK: Float64Array, grad: Float64Array) => number;

export interface PixelDescentResult {
  /** Heads of every test for the final ln K. */
  heads: Float64Array[];
  /** R of the final ln K. */
  regulariser: number;
}

/** Descends from logK (updated in place) until run stops; the final logK is the one recorded last. */
export function pixelDescent(
  darcy: DarcyProblem, misfit: DataMisfit, logK: Float64Array, adam: ArrayAdam, run: MemberRun, regulariser: CellRegulariser | null,
): PixelDescentResult {
  const cells = logK.length;
  const grad = new Float64Array(cells);
  const gradR = new Float64Array(cells);
  for (;;) {
    const r = lossAndGradient(darcy, logK, misfit.loss);
    const value = regulariser ? regulariser(logK, gradR) : 0;
    // Stop before stepping, so the returned ln K is the one whose loss was recorded last.
    if (run.record(2 * r.value, value, logK)) return { heads: r.heads, regulariser: value };
    for (let c = 0; c < cells; c++) grad[c] = r.gradLogK[c] + (regulariser ? gradR[c] : 0);
    adam.step(logK, grad);
  }
}
