// The inversion problem (hIPPYlib's Model without the prior): the Darcy PDE, and per pumping test
// its observation operator, data and σ. Built from a case's observation rows (obs.csv order).
import type { Observation } from '@ldinv/fields';
import { CELL_STATE, discretise, ObservationOperator, observationGeometry, type DarcyProblem } from '@ldinv/solver';
import type { SmoothnessGrid } from './objectives/smoothness.ts';
import type { TestObservations } from './objectives/data-misfit.ts';

export interface InversionProblem {
  darcy: DarcyProblem;
  /** The cells and their sizes as the regularisers see them (inactive cells of a site left out). */
  cells: SmoothnessGrid;
  /** observations[t]: sensors, data and σ of pumping test t (one entry per test of darcy.tests). */
  observations: TestObservations[];
  /** Number of data over all tests. */
  M: number;
  /** rows[t][i]: position in the case's observation list of datum i of test t. */
  rows: Int32Array[];
  /** A synthetic case's true ln K: when present, member histories also hold the ln K error. */
  truthLogK?: Float64Array;
}

/**
 * Groups a case's observations (obs.csv rows, as readCase returns them) by test and builds one
 * observation operator per test: buildInversionProblem(caseProblem(c), c.observations, path).
 */
export function buildInversionProblem(darcy: DarcyProblem, observations: readonly Observation[], source = 'obs.csv'): InversionProblem {
  const tests = darcy.tests.length;
  const byTest: number[][] = Array.from({ length: tests }, () => []);
  observations.forEach((o, k) => {
    if (!Number.isInteger(o.test) || o.test < 0 || o.test >= tests) {
      throw new Error(`${source} row ${k + 1}: test must be an integer in [0, ${tests - 1}] (the case has ${tests} tests), got ${o.test}`);
    }
    byTest[o.test].push(k);
  });
  if (observations.length === 0) throw new Error(`${source}: no observations`);
  const geometry = observationGeometry(darcy);
  const d = discretise(darcy);
  // A preset keeps its unit-square grid; a site brings its cell sizes and, where it has them, inactive cells.
  const cells: SmoothnessGrid =
    typeof darcy.bc === 'string'
      ? darcy.grid
      : {
          ...darcy.grid, dx: d.dx, dy: d.dy,
          ...(d.allUnknown ? {} : { active: Uint8Array.from(d.state, (s) => (s === CELL_STATE.inactive ? 0 : 1)) }),
        };
  return {
    darcy,
    cells,
    observations: byTest.map((ks, t) => ({
      operator: new ObservationOperator(darcy.grid, ks.map((k) => observations[k]), `${source} (test ${t})`, geometry),
      data: Float64Array.from(ks, (k) => observations[k].head),
      sigma: Float64Array.from(ks, (k) => observations[k].sigma),
    })),
    M: observations.length,
    rows: byTest.map((ks) => Int32Array.from(ks)),
  };
}

/** The truth of a synthetic case as a member's history scores it (active cells only), or undefined. */
export function truthOf(problem: InversionProblem): { logK: Float64Array; active?: ArrayLike<number> } | undefined {
  return problem.truthLogK ? { logK: problem.truthLogK, active: problem.cells.active } : undefined;
}

/** Per-test values at the sensors -> one array in the case's observation order. */
export function inObservationOrder(problem: InversionProblem, perTest: readonly ArrayLike<number>[]): Float64Array {
  const out = new Float64Array(problem.M);
  problem.rows.forEach((rows, t) => rows.forEach((row, i) => (out[row] = perTest[t][i])));
  return out;
}

/** A prior must model fields on the case's grid; one line naming both. */
export function checkPriorGrid(problem: InversionProblem, prior: { manifest: { name: string; grid: { nx: number; ny: number } } }): void {
  const { nx, ny } = problem.darcy.grid;
  const g = prior.manifest.grid;
  if (g.nx !== nx || g.ny !== ny) {
    throw new Error(`prior '${prior.manifest.name}' is for a ${g.ny}x${g.nx} grid, the case grid is ${ny}x${nx}`);
  }
}
