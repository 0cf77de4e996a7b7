// Synthetic cases: a true ln K field, its heads for every pumping test, and noisy heads at the sensors.
import { ObservationOperator, observationGeometry, solveHeads, type BoundarySetup, type Grid, type Site, type Well } from '@ldinv/solver';
import { caseProblem, type Case } from './case.ts';
import { createFieldSampler } from './field-sampler.ts';
import type { FieldSpec } from './field-spec.ts';
import type { Observation } from './obs-csv.ts';
import { fillNormal, streamRng } from './streams.ts';
import { sensorLayout, type Point, type SensorSpec } from './sensors.ts';
import type { SiteUnits } from './site-case.ts';

export interface SimulateOptions {
  /** Generator of the true field; or give `truthLogK`. */
  field?: FieldSpec;
  /** The true ln K itself, [ny * nx] (e.g. a prior sample); then `field` is left out. */
  truthLogK?: Float64Array;
  grid: Grid;
  /** A layout, or the sensor positions themselves (site coordinates). */
  sensors: SensorSpec | Point[];
  /** Relative noise: sigma of test t = noise x (max - min of its true heads over the grid); >= 0. */
  noise: number;
  bc: BoundarySetup | Site;
  /** Wells per pumping test; [[]] = one test without wells. */
  tests: Well[][];
  testNames?: string[];
  units?: SiteUnits;
  /** Every random stream of the case derives from it: streams truth, sensors and noise (streams.ts). */
  seed: number;
  prior?: string;
}

/** Defaults of `ldinv simulate` (the standard 64x64, 49-sensor, 1 % noise setup). */
export const SIMULATE_DEFAULTS = {
  grid: { nx: 64, ny: 64 },
  sensors: { layout: 'grid', count: 49 } as SensorSpec,
  noise: 0.01,
  bc: 'flow' as BoundarySetup,
  tests: [[]] as Well[][],
};

/**
 * sigma recorded for a noise-free case (--noise 0), relative to the head range: obs.csv needs sigma > 0 for
 * the misfit to be defined, and no noise is added.
 */
export const NOISE_FREE_SIGMA = 1e-6;

export function simulateCase(o: SimulateOptions): Case {
  if (!Number.isFinite(o.noise) || o.noise < 0) throw new Error(`noise must be >= 0, got ${o.noise}`);
  if (!Number.isSafeInteger(o.seed)) throw new Error(`seed must be an integer, got ${o.seed}`);
  if ((o.field === undefined) === (o.truthLogK === undefined)) throw new Error('give exactly one of field and truthLogK');
  const geometry = observationGeometry(o);
  const points = Array.isArray(o.sensors) ? o.sensors : sensorLayout(o.grid, o.sensors, o.seed, geometry);
  const truthLogK = o.truthLogK ?? createFieldSampler(o.field!, o.grid).sample(streamRng(o.seed, 'truth'));
  const problem = caseProblem(o);
  const truthHeads = solveHeads(problem, truthLogK);
  const observe = new ObservationOperator(o.grid, points, 'sensors', geometry);
  const noiseRng = streamRng(o.seed, 'noise');
  const observations: Observation[] = [];
  truthHeads.forEach((heads, test) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const h of heads) {
      if (Number.isNaN(h)) continue; // inactive cell
      lo = Math.min(lo, h);
      hi = Math.max(hi, h);
    }
    const range = hi - lo;
    if (!(range > 0)) throw new Error(`test ${test}: the true heads are constant, so sigma = noise x range is 0`);
    const sigma = Math.max(o.noise, NOISE_FREE_SIGMA) * range;
    const clean = observe.apply(heads);
    const z = fillNormal(noiseRng, new Float64Array(points.length));
    points.forEach((p, k) => {
      const head = o.noise > 0 ? clean[k] + o.noise * range * z[k] : clean[k];
      observations.push({ x: p.x, y: p.y, head, sigma, test });
    });
  });
  return {
    grid: o.grid,
    bc: o.bc,
    tests: o.tests,
    ...(o.testNames ? { testNames: o.testNames } : {}),
    ...(o.units ? { units: o.units } : {}),
    observations,
    noise: o.noise,
    ...(o.field ? { field: o.field } : {}),
    seed: o.seed,
    ...(Array.isArray(o.sensors) ? {} : { sensors: o.sensors }),
    prior: o.prior,
    truthLogK,
    truthHeads,
  };
}
