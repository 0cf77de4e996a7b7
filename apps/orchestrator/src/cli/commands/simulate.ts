// ldinv simulate: a synthetic case (true field, heads per pumping test, noisy heads at the sensors):
// on the unit square with a preset, or the synthetic twin of a site (--case: its case.json, no
// observations needed) with a generated or given (--truth) field and given or random observation wells.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  CASE_FILES, checkSensor, isSite, readCaseDescription, readField, readText, SENSOR_LAYOUTS, SIMULATE_DEFAULTS, simulateCase, writeCase,
  type Point, type SensorLayout, type SimulateOptions,
} from '@ldinv/fields';
import { observationGeometry, parseCsvColumns, parseWellsCsv, validateLogK, type BoundarySetup } from '@ldinv/solver';
import { addFieldOptions, fieldFromOptions, numberOption, type FieldOptionValues } from '../field-options.ts';

interface SimulateOptionValues extends FieldOptionValues {
  case?: string;
  truth?: string;
  observationWells?: string;
  sensors?: string;
  layout?: string;
  noise: string;
  bc?: string;
  tests?: string;
  seed: string;
  out: string;
  prior?: string;
  force?: boolean;
}

const BCS: readonly BoundarySetup[] = ['flow', 'source'];

export function registerSimulate(program: Command): void {
  const command = program
    .command('simulate')
    .description('write a synthetic case: case.json, truth_logk.npy, truth_h.npy and obs.csv (x,y,head,sigma,test)');
  addFieldOptions(command)
    .option('--case <dir>', 'a site (or any case) to twin: its case.json (domain, conditions, tests) without obs.csv; --grid, --bc and --tests come from it')
    .option('--truth <Y.npy>', 'the true ln K [ny, nx] instead of a generated field (e.g. a prior sample)')
    .option('--observation-wells <xy.csv>', 'sensor positions: CSV with columns x,y (site coordinates), instead of a layout')
    .option('--sensors <n>', 'number of sensors (layout grid: a perfect square n^2, at k/(n+1)) (default 49)')
    .option('--layout <kind>', `sensor layout: ${SENSOR_LAYOUTS.join(' | ')} (default grid; random within the active area for a site)`)
    .option('--noise <r>', 'noise sigma relative to the head range of each test (0: noise-free)', '0.01')
    .option('--bc <setup>', 'boundary setup: flow (h = 1 left, 0 right) | source (f = 1, h = 0 around) (default flow)')
    .option('--tests <wells.csv>', 'pumping tests: CSV x,y,rate,test (default: one test without wells)')
    .option('--seed <s>', 'seed of the field, the sensors and the noise', '0')
    .requiredOption('--out <dir>', 'case directory to write')
    .option('--prior <name>', 'prior to record in case.json for later inversions')
    .option('--force', 'overwrite a case that already exists in --out')
    .action((o: SimulateOptionValues) => simulate(o));
}

/** What the case is made on: a case's own grid, conditions and tests (--case), or the options'. */
function setting(o: SimulateOptionValues): Pick<SimulateOptions, 'grid' | 'bc' | 'tests' | 'testNames' | 'units' | 'prior'> {
  if (o.case !== undefined) {
    if (o.tests !== undefined || o.bc !== undefined) throw new Error('--case brings its own conditions and pumping tests: leave out --bc and --tests');
    const c = readCaseDescription(o.case);
    return { grid: c.grid, bc: c.bc, tests: c.tests, testNames: c.testNames, units: c.units, prior: o.prior ?? c.prior };
  }
  const grid = fieldFromOptions(o).grid;
  const bc = o.bc ?? SIMULATE_DEFAULTS.bc;
  if (!BCS.includes(bc as BoundarySetup)) throw new Error(`--bc must be one of ${BCS.join(', ')}, got ${JSON.stringify(bc)}`);
  let tests = SIMULATE_DEFAULTS.tests;
  if (o.tests !== undefined) tests = parseWellsCsv(readText(o.tests), o.tests, grid);
  return { grid, bc: bc as BoundarySetup, tests, prior: o.prior };
}

/** Sensor positions from a CSV with columns x,y; each must be observable on the case's grid. */
function readObservationWells(path: string, base: Pick<SimulateOptions, 'grid' | 'bc'>): Point[] {
  return parseCsvColumns(readText(path), path, ['x', 'y'] as const).map(({ line, values }) => {
    checkSensor(values, `${path} line ${line}`, base.grid, observationGeometry(base));
    return values;
  });
}

function simulate(o: SimulateOptionValues): void {
  const base = setting(o);
  const { grid } = base;
  let truth: Pick<SimulateOptions, 'field' | 'truthLogK'>;
  if (o.truth !== undefined) {
    const f = readField(o.truth, 'ln K');
    if (f.nx !== grid.nx || f.ny !== grid.ny) throw new Error(`${o.truth}: shape must be [${grid.ny}, ${grid.nx}] (the case grid), got [${f.ny}, ${f.nx}]`);
    validateLogK(grid, f.data, `${o.truth}: ln K`);
    truth = { truthLogK: f.data };
  } else {
    truth = { field: fieldFromOptions(o).field };
  }
  const layout = o.layout ?? (isSite(base) ? 'random' : 'grid');
  if (!SENSOR_LAYOUTS.includes(layout as SensorLayout)) {
    throw new Error(`--layout must be one of ${SENSOR_LAYOUTS.join(', ')}, got ${JSON.stringify(layout)}`);
  }
  if (o.observationWells !== undefined && (o.sensors !== undefined || o.layout !== undefined)) {
    throw new Error('--observation-wells gives the sensors themselves: leave out --sensors and --layout');
  }
  const sensors: SimulateOptions['sensors'] =
    o.observationWells !== undefined
      ? readObservationWells(o.observationWells, base)
      : { layout: layout as SensorLayout, count: numberOption('sensors', o.sensors ?? String(SIMULATE_DEFAULTS.sensors.count), { integer: true, min: 1 }) };
  if (!o.force && existsSync(join(o.out, CASE_FILES.json))) {
    throw new Error(`${join(o.out, CASE_FILES.json)} exists; pass --force to overwrite it`);
  }
  const c = simulateCase({
    ...base,
    ...truth,
    sensors,
    noise: numberOption('noise', o.noise, { min: 0 }),
    seed: numberOption('seed', o.seed, { integer: true }),
  });
  const written = writeCase(o.out, c);
  const count = c.observations.length / c.tests.length;
  const what = c.field ? c.field.kind : `truth ${o.truth}`;
  process.stdout.write(
    `wrote ${o.out}: ${what} ${grid.nx}x${grid.ny}, ${count} sensors x ${c.tests.length} test(s), ` +
      `noise ${c.noise}, seed ${c.seed} (${written.map((p) => p.slice(o.out.length).replace(/^[\\/]/, '')).join(', ')})\n`,
  );
}
