// A case on disk: case.json (grid, boundary setup, pumping tests, how it was made) + obs.csv
// [+ truth_logk.npy, truth_h.npy]. The inversion and the orchestrator read cases only through readCase.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { BoundarySetup, DarcyProblem, Grid, Well } from '@ldinv/solver';
import { validateFieldSpec, type FieldSpec } from './field-spec.ts';
import { readNpy, writeNpy } from './npy.ts';
import { checkObservation, formatObsCsv, parseObsCsv, type Observation } from './obs-csv.ts';
import { parseWithSchema } from './schema-error.ts';
import { fieldSpecSchema, gridSchema, sensorSpecSchema, wellSchema } from './schemas.ts';
import type { SensorSpec } from './sensors.ts';

export const CASE_FORMAT = 'ldinv-case/1';
export const CASE_FILES = {
  json: 'case.json',
  obs: 'obs.csv',
  truthLogK: 'truth_logk.npy',
  /** Shape [tests, ny, nx]: one head map per pumping test. */
  truthHeads: 'truth_h.npy',
} as const;

export interface Case {
  grid: Grid;
  bc: BoundarySetup;
  /** tests[t] = wells of pumping test t; observation `test` ids index this array. */
  tests: Well[][];
  observations: Observation[];
  /** Relative noise level of a synthetic case: sigma = noise x head range of each test. */
  noise?: number;
  /** Generator of the true field of a synthetic case (absent for field data). */
  field?: FieldSpec;
  /** Seed of a synthetic case (field, sensors and noise streams derive from it). */
  seed?: number;
  /** How the sensors of a synthetic case were placed. */
  sensors?: SensorSpec;
  /** Name of the prior to invert with (a directory under libs/prior/assets or a path). */
  prior?: string;
  /** True ln K, row-major [ny, nx] (synthetic cases). */
  truthLogK?: Float64Array;
  /** True heads per test, each row-major [ny, nx] (synthetic cases). */
  truthHeads?: Float64Array[];
}

const caseJsonSchema = z.strictObject({
  format: z.literal(CASE_FORMAT).optional(),
  grid: gridSchema,
  bc: z.enum(['flow', 'source']),
  tests: z.array(z.strictObject({ wells: z.array(wellSchema) })).min(1),
  noise: z.number().min(0).optional(),
  field: fieldSpecSchema.optional(),
  seed: z.number().int().optional(),
  sensors: sensorSpecSchema.optional(),
  prior: z.string().min(1).optional(),
});

/** The Darcy problem a case poses (shared K, one solve per test). */
export function caseProblem(c: Pick<Case, 'grid' | 'bc' | 'tests'>): DarcyProblem {
  return { grid: c.grid, bc: c.bc, tests: c.tests };
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

function parseCaseJson(text: string, source: string): Omit<Case, 'observations'> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source}: invalid JSON (${(err as Error).message})`);
  }
  const parsed = parseWithSchema(caseJsonSchema, json, source);
  if (parsed.field) {
    try {
      validateFieldSpec(parsed.field);
    } catch (err) {
      throw new Error(`${source}: field: ${(err as Error).message}`);
    }
  }
  const { format: _format, tests, ...rest } = parsed;
  return { ...rest, tests: tests.map((t) => t.wells) };
}

function checkTruth(c: Case, where: string): void {
  const n = c.grid.nx * c.grid.ny;
  if (c.truthLogK && c.truthLogK.length !== n) {
    throw new Error(`${where}: truthLogK must hold ${n} values, got ${c.truthLogK.length}`);
  }
  if (c.truthHeads) {
    if (c.truthHeads.length !== c.tests.length) {
      throw new Error(`${where}: truthHeads must hold one map per test (${c.tests.length}), got ${c.truthHeads.length}`);
    }
    c.truthHeads.forEach((h, t) => {
      if (h.length !== n) throw new Error(`${where}: truthHeads[${t}] must hold ${n} values, got ${h.length}`);
    });
  }
}

/** Reads and validates a case directory; truth files are optional. Errors name file, line and field. */
export function readCase(dir: string): Case {
  const jsonPath = join(dir, CASE_FILES.json);
  const spec = parseCaseJson(readText(jsonPath), jsonPath);
  const obsPath = join(dir, CASE_FILES.obs);
  const observations = parseObsCsv(readText(obsPath), obsPath, spec.grid, spec.tests.length);
  const c: Case = { ...spec, observations };
  const { nx, ny } = spec.grid;
  const logKPath = join(dir, CASE_FILES.truthLogK);
  if (existsSync(logKPath)) {
    const arr = readNpy(logKPath);
    if (arr.shape.length !== 2 || arr.shape[0] !== ny || arr.shape[1] !== nx) {
      throw new Error(`${logKPath}: shape must be [${ny}, ${nx}] (the grid of case.json), got [${arr.shape}]`);
    }
    c.truthLogK = Float64Array.from(arr.data);
  }
  const headsPath = join(dir, CASE_FILES.truthHeads);
  if (existsSync(headsPath)) {
    const arr = readNpy(headsPath);
    const T = spec.tests.length;
    if (arr.shape.length !== 3 || arr.shape[0] !== T || arr.shape[1] !== ny || arr.shape[2] !== nx) {
      throw new Error(`${headsPath}: shape must be [${T}, ${ny}, ${nx}] (tests, ny, nx), got [${arr.shape}]`);
    }
    c.truthHeads = Array.from({ length: T }, (_, t) => Float64Array.from(arr.data.subarray(t * nx * ny, (t + 1) * nx * ny)));
  }
  return c;
}

/** Validates and writes a case directory (created if needed); returns the paths written. */
export function writeCase(dir: string, c: Case): string[] {
  const jsonPath = join(dir, CASE_FILES.json);
  const json = {
    format: CASE_FORMAT,
    grid: c.grid,
    bc: c.bc,
    tests: c.tests.map((wells) => ({ wells })),
    noise: c.noise,
    field: c.field,
    seed: c.seed,
    sensors: c.sensors,
    prior: c.prior,
  };
  // Same schema as reading, so that whatever is written can be read back.
  parseWithSchema(caseJsonSchema, JSON.parse(JSON.stringify(json)), jsonPath);
  if (c.field) validateFieldSpec(c.field);
  const obsPath = join(dir, CASE_FILES.obs);
  if (c.observations.length === 0) throw new Error(`${obsPath}: no observations to write`);
  c.observations.forEach((o, k) => checkObservation(o, `${obsPath} row ${k + 1}`, c.grid, c.tests.length));
  checkTruth(c, dir);

  mkdirSync(dir, { recursive: true });
  writeFileSync(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(obsPath, formatObsCsv(c.observations));
  const written = [jsonPath, obsPath];
  const { nx, ny } = c.grid;
  // A truth file left from an earlier case in the same directory would be read back as this case's truth.
  if (!c.truthLogK) rmSync(join(dir, CASE_FILES.truthLogK), { force: true });
  if (!c.truthHeads) rmSync(join(dir, CASE_FILES.truthHeads), { force: true });
  if (c.truthLogK) {
    const path = join(dir, CASE_FILES.truthLogK);
    writeNpy(path, Float64Array.from(c.truthLogK), [ny, nx]);
    written.push(path);
  }
  if (c.truthHeads) {
    const path = join(dir, CASE_FILES.truthHeads);
    const all = new Float64Array(c.tests.length * nx * ny);
    c.truthHeads.forEach((h, t) => all.set(h, t * nx * ny));
    writeNpy(path, all, [c.tests.length, ny, nx]);
    written.push(path);
  }
  return written;
}
