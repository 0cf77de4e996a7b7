// Size of the factorisation of a grid shape, for benchmarks and logs.
import { frontalPlan } from './nested-dissection.ts';
import type { Grid } from './problem.ts';

export interface FactorStats {
  unknowns: number;
  fronts: number;
  largestFront: number;
  /** Doubles stored for L (dense front blocks). */
  factorEntries: number;
  /** Floating-point operations of one factorisation. */
  flops: number;
}

export function factorStats(grid: Grid): FactorStats {
  const p = frontalPlan(grid.nx, grid.ny);
  return { unknowns: p.n, fronts: p.nodeCount, largestFront: p.maxFront, factorEntries: p.factorSize, flops: p.flops };
}
