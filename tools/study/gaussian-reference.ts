// The exact-prior reference of the gaussian study cases. Their fields are drawn from a Gaussian prior
// with a known covariance, so that prior can be used as it is (hIPPYlib's and pestpp-ies' setting):
// ln K = mean + A ξ in the whitened coordinates of the circulant embedding that drew the fields,
// loss ½ χ² + ½ |ξ − ξ̃|², minimised to convergence by L-BFGS with the solver's adjoint gradient.
// - MAP (ξ̃ = 0, the case's data): the posterior mode, for a near-linear model the posterior mean, the
//   estimate with the smallest expected error.
// - rml members (ξ̃ ~ N(0, I) and data perturbed from the member's seed, as the study's rml members):
//   for a linear model exact posterior draws, so their ensemble is what a calibrated ensemble of the
//   same size reaches at best.
// Members and ensemble are measured by the product's own aggregation, like every study run.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { caseProblem, gaussianWhitening, readCase, type GaussianFieldSpec } from '@ldinv/fields';
import { buildInversionProblem, DataMisfit, minimizeLbfgs, perturbData, relativeL2, type LbfgsResult } from '@ldinv/optim';
import { aggregateCaseOf, aggregateMembers, doneMemberRecord, memberSeed, type DoneMember } from '@ldinv/runs';
import { lossAndGradient, solveHeads } from '@ldinv/solver';
import { createRng, deriveSeed, writeFileAtomic } from '@ldinv/tensor';
import { caseSeeds, ensureCase, SETTINGS, studyRunSeed, type CaseSet, type SettingName } from './study-cases.ts';
import { cellFigures, rowFigures, type RowFigures, type RunSummary } from './study-metrics.ts';

/** Stream of a member's prior draw ξ̃ (apart from the rml data stream of @ldinv/optim, which is 1). */
const PRIOR_DRAW_STREAM = 101;

export interface ReferenceOptions {
  members: number;
  /** L-BFGS iteration cap per solve (each costs about one forward and one adjoint solve). */
  maxIterations: number;
}

export interface ReferenceCell {
  caseDir: string;
  /** The MAP estimate: ln K relative L2 error and final χ²/M. */
  mapRelL2: number;
  mapChi2: number;
  /** L-BFGS iterations of the MAP and of each member, and how many solves stopped at the cap. */
  iterations: number[];
  capped: number;
  /** The rml ensemble as `ldinv aggregate` would summarise it. */
  summary: RunSummary;
}

interface Solution {
  logK: Float64Array;
  lbfgs: LbfgsResult;
  wallMs: number;
}

/** MAP and rml ensemble of one gaussian case whose case.json field is the prior (cached as JSON under cacheDir). */
export function gaussianReference(caseDir: string, runSeed: number, options: ReferenceOptions, cacheDir: string, id: string): ReferenceCell {
  const cachePath = join(cacheDir, `${id}.json`);
  if (existsSync(cachePath)) return JSON.parse(readFileSync(cachePath, 'utf8')) as ReferenceCell;
  const c = readCase(caseDir);
  if (c.field?.kind !== 'gaussian') {
    const got = c.field ? `'${c.field.kind}'` : 'no field (not a synthetic case)';
    throw new Error(`${join(caseDir, 'case.json')}: field.kind must be 'gaussian' for the exact-prior reference, got ${got}`);
  }
  if (!c.truthLogK) throw new Error(`${caseDir}: the reference needs the case's truth_logk.npy`);
  const problem = buildInversionProblem(caseProblem(c), c.observations, join(caseDir, 'obs.csv'));
  const whitening = gaussianWhitening(c.field as GaussianFieldSpec, c.grid);
  const cells = c.grid.nx * c.grid.ny;
  const caseMisfit = new DataMisfit(problem.observations, cells);
  const aggregateCase = aggregateCaseOf(c, caseDir);

  /** Minimises M Φ + ½|ξ − ξ̃|² from ξ = ξ̃ (ξ̃ = 0: the MAP). */
  const solve = (misfit: DataMisfit, priorDraw: Float64Array): Solution => {
    const started = performance.now();
    const logK = new Float64Array(cells);
    const gradWhite = new Float64Array(whitening.dimension);
    // DataMisfit is Φ = χ²/(2M): M Φ + ½|ξ − ξ̃|² is the negative log-posterior.
    const objective = (xi: Float64Array, grad: Float64Array) => {
      whitening.toLogK(xi, logK);
      let r;
      try {
        r = lossAndGradient(problem.darcy, logK, misfit.loss);
      } catch {
        return Infinity; // a trial step so long that the solve fails: the line search shortens it
      }
      whitening.gradientToWhite(r.gradLogK, gradWhite);
      let prior = 0;
      for (let k = 0; k < xi.length; k++) {
        const d = xi[k] - priorDraw[k];
        prior += 0.5 * d * d;
        grad[k] = misfit.count * gradWhite[k] + d;
      }
      return misfit.count * r.value + prior;
    };
    const xi = Float64Array.from(priorDraw);
    const lbfgs = minimizeLbfgs(objective, xi, { maxIterations: options.maxIterations, memory: 20, relativeDecrease: 1e-10 });
    whitening.toLogK(xi, logK);
    return { logK, lbfgs, wallMs: performance.now() - started };
  };

  const record = (index: number, seed: number, s: Solution): DoneMember => {
    const { heads, predicted } = aggregateCase.predict!(s.logK);
    const misfit = caseMisfit.chiSquared(heads);
    const outcome = {
      index, seed, grid: c.grid, logK: s.logK, heads, predicted, misfit, regulariser: 0, iterations: s.lbfgs.iterations, stopReason: s.lbfgs.stopReason,
      history: { iteration: Int32Array.of(s.lbfgs.iterations), misfit: Float64Array.of(misfit), regulariser: Float64Array.of(0) },
    };
    return doneMemberRecord(outcome, 1, { startedAt: new Date().toISOString(), wallMs: s.wallMs, worker: 'gaussian-reference' });
  };

  const map = solve(caseMisfit, new Float64Array(whitening.dimension));
  const members = Array.from({ length: options.members }, (_, index) => {
    const seed = memberSeed(runSeed, index);
    const rng = createRng(deriveSeed(seed, PRIOR_DRAW_STREAM));
    const priorDraw = Float64Array.from({ length: whitening.dimension }, () => rng.normal());
    return record(index, seed, solve(caseMisfit.withData(perturbData(problem.observations, seed)), priorDraw));
  });
  const aggregated = aggregateMembers(members, aggregateCase, { maxMisfit: Infinity });
  const solves = [map.lbfgs, ...members.map((m) => ({ iterations: m.iterations, stopReason: m.stopReason }))];
  const cell: ReferenceCell = {
    caseDir,
    mapRelL2: relativeL2(map.logK, c.truthLogK),
    mapChi2: caseMisfit.chiSquared(solveHeads(problem.darcy, map.logK)),
    iterations: solves.map((s) => s.iterations),
    capped: solves.filter((s) => s.stopReason === 'max-iterations').length,
    summary: {
      run: id, case: caseDir, status: 'complete', method: 'gaussian-reference', mode: 'rml',
      members: { requested: options.members, done: members.length, included: aggregated.included.length },
      ensemble: aggregated.metrics, memberTable: aggregated.rows,
    },
  };
  mkdirSync(cacheDir, { recursive: true });
  writeFileAtomic(cachePath, `${JSON.stringify(cell)}\n`);
  return cell;
}

export interface ReferenceRow extends RowFigures {
  set: CaseSet;
  setting: SettingName;
  /** Means over the cases of the MAP's ln K error and χ²/M. */
  mapRelL2: number;
  mapChi2: number;
  /** L-BFGS solves (MAP and members, all cases) stopped by the iteration cap instead of converging. */
  capped: number;
}

/** The reference on the gaussian cases of each (case set, setting, count), with the study's run seeds. */
export function referenceStudy(
  runsRoot: string, sets: { set: CaseSet; setting: SettingName; count: number }[], options: ReferenceOptions, log: (line: string) => void,
): ReferenceRow[] {
  return sets.map(({ set, setting, count }) => {
    const cells = caseSeeds(set, 'gaussian', count).map((seed) => {
      const caseDir = ensureCase(join(runsRoot, 'cases'), 'gaussian', SETTINGS[setting], seed);
      const id = `gaussian-${setting}-s${seed}-reference`;
      const started = Date.now();
      const cell = gaussianReference(caseDir, studyRunSeed(seed), options, join(runsRoot, 'reference'), id);
      log(`reference: ${id} MAP ${cell.mapRelL2.toFixed(3)}, ensemble ${cell.summary.ensemble?.mean.relL2LogK.toFixed(3)} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
      return cell;
    });
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    return {
      set, setting, ...rowFigures(cells.map((c) => cellFigures(c.summary))),
      mapRelL2: mean(cells.map((c) => c.mapRelL2)), mapChi2: mean(cells.map((c) => c.mapChi2)),
      capped: cells.reduce((a, c) => a + c.capped, 0),
    };
  });
}
