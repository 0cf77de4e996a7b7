// ldinv simulate: a synthetic case (true field, heads per pumping test, noisy heads at the sensors).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { CASE_FILES, SENSOR_LAYOUTS, SIMULATE_DEFAULTS, simulateCase, writeCase, type SensorLayout } from '@ldinv/fields';
import { parseWellsCsv, type BoundarySetup } from '@ldinv/solver';
import { addFieldOptions, fieldFromOptions, numberOption, type FieldOptionValues } from '../field-options.ts';

interface SimulateOptionValues extends FieldOptionValues {
  sensors: string;
  layout: string;
  noise: string;
  bc: string;
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
    .option('--sensors <n>', 'number of sensors (layout grid: a perfect square n^2, at k/(n+1))', '49')
    .option('--layout <kind>', `sensor layout: ${SENSOR_LAYOUTS.join(' | ')}`, 'grid')
    .option('--noise <r>', 'noise sigma relative to the head range of each test (0: noise-free)', '0.01')
    .option('--bc <setup>', 'boundary setup: flow (h = 1 left, 0 right) | source (f = 1, h = 0 around)', 'flow')
    .option('--tests <wells.csv>', 'pumping tests: CSV x,y,rate,test (default: one test without wells)')
    .option('--seed <s>', 'seed of the field, the sensors and the noise', '0')
    .requiredOption('--out <dir>', 'case directory to write')
    .option('--prior <name>', 'prior to record in case.json for later inversions')
    .option('--force', 'overwrite a case that already exists in --out')
    .action((o: SimulateOptionValues) => simulate(o));
}

function simulate(o: SimulateOptionValues): void {
  const { field, grid } = fieldFromOptions(o);
  if (!SENSOR_LAYOUTS.includes(o.layout as SensorLayout)) {
    throw new Error(`--layout must be one of ${SENSOR_LAYOUTS.join(', ')}, got ${JSON.stringify(o.layout)}`);
  }
  if (!BCS.includes(o.bc as BoundarySetup)) throw new Error(`--bc must be one of ${BCS.join(', ')}, got ${JSON.stringify(o.bc)}`);
  let tests = SIMULATE_DEFAULTS.tests;
  if (o.tests !== undefined) {
    let text: string;
    try {
      text = readFileSync(o.tests, 'utf8');
    } catch (err) {
      throw new Error(`${o.tests}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    tests = parseWellsCsv(text, o.tests, grid);
  }
  if (!o.force && existsSync(join(o.out, CASE_FILES.json))) {
    throw new Error(`${join(o.out, CASE_FILES.json)} exists; pass --force to overwrite it`);
  }
  const c = simulateCase({
    field,
    grid,
    sensors: { layout: o.layout as SensorLayout, count: numberOption('sensors', o.sensors, { integer: true, min: 1 }) },
    noise: numberOption('noise', o.noise, { min: 0 }),
    bc: o.bc as BoundarySetup,
    tests,
    seed: numberOption('seed', o.seed, { integer: true }),
    prior: o.prior,
  });
  const written = writeCase(o.out, c);
  const sensors = c.observations.length / c.tests.length;
  process.stdout.write(
    `wrote ${o.out}: ${field.kind} ${grid.nx}x${grid.ny}, ${sensors} sensors x ${c.tests.length} test(s), ` +
      `noise ${c.noise}, seed ${c.seed} (${written.map((p) => p.slice(o.out.length).replace(/^[\\/]/, '')).join(', ')})\n`,
  );
}
