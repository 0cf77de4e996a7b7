// A case on disk: case.json (grid, boundary setup or site, pumping tests, how it was made) + obs.csv
// [+ truth_logk.npy, truth_h.npy]. Two formats: `ldinv-case/1` (unit square, a boundary preset) and
// `ldinv-case/2` (a site in its own coordinates, site-case.ts). The inversion and the orchestrator read
// cases only through readCase.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { discretise, observationGeometry, type BoundarySetup, type DarcyProblem, type Grid, type Site, type Well } from '@ldinv/solver';
import { writeFileAtomic } from '@ldinv/tensor';
import { validateFieldSpec, type FieldSpec } from './field-spec.ts';
import { readNpy, writeNpy } from './npy.ts';
import { readText } from './read-text.ts';
import { checkObservation, formatObsCsv, parseObsCsv, type Observation } from './obs-csv.ts';
import { parseWithSchema } from './schema-error.ts';
import { fieldSpecSchema, gridSchema, sensorSpecSchema, wellSchema } from './schemas.ts';
import type { SensorSpec } from './sensors.ts';
import { readSite, SITE_ARRAY_FIELDS, SITE_CASE_FORMAT, SITE_FILE_NAMES, siteJson, siteJsonShape, type SiteUnits } from './site-case.ts';

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
  /** A unit-square preset (`ldinv-case/1`) or a site (`ldinv-case/2`). */
  bc: BoundarySetup | Site;
  /** tests[t] = wells of pumping test t; observation `test` ids index this array. */
  tests: Well[][];
  /** Names of the tests of a site (case.json `tests[].name`). */
  testNames?: string[];
  /** Unit labels of a site. */
  units?: SiteUnits;
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

/** What a synthetic case records of how it was made, and the prior to use (both formats). */
const provenanceShape = {
  noise: z.number().min(0).optional(),
  field: fieldSpecSchema.optional(),
  seed: z.number().int().optional(),
  sensors: sensorSpecSchema.optional(),
  prior: z.string().min(1).optional(),
};

const caseJsonSchema = z.strictObject({
  format: z.literal(CASE_FORMAT).optional(),
  grid: gridSchema,
  bc: z.enum(['flow', 'source']),
  tests: z.array(z.strictObject({ wells: z.array(wellSchema) })).min(1),
  ...provenanceShape,
});

const siteCaseJsonSchema = z.strictObject({
  format: z.literal(SITE_CASE_FORMAT),
  grid: gridSchema,
  ...siteJsonShape,
  ...provenanceShape,
});

export const CASE_FORMATS = [CASE_FORMAT, SITE_CASE_FORMAT] as const;

/** True for a site case (`ldinv-case/2`). */
export function isSite(c: Pick<Case, 'bc'>): c is Pick<Case, 'bc'> & { bc: Site } {
  return typeof c.bc !== 'string';
}

/** The Darcy problem a case poses (shared K, one solve per test). */
export function caseProblem(c: Pick<Case, 'grid' | 'bc' | 'tests'>): DarcyProblem {
  return { grid: c.grid, bc: c.bc, tests: c.tests };
}

function parseCaseJson(text: string, source: string, dir: string): Omit<Case, 'observations'> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source}: invalid JSON (${(err as Error).message})`);
  }
  const format = (json as { format?: unknown } | null)?.format;
  if (format !== undefined && !CASE_FORMATS.includes(format as (typeof CASE_FORMATS)[number])) {
    throw new Error(`${source}: format: expected one of ${CASE_FORMATS.map((f) => JSON.stringify(f)).join(', ')}, got ${JSON.stringify(format)}`);
  }
  const checkField = (field: Case['field']) => {
    if (!field) return;
    try {
      validateFieldSpec(field);
    } catch (err) {
      throw new Error(`${source}: field: ${(err as Error).message}`);
    }
  };
  if (format === SITE_CASE_FORMAT) {
    const parsed = parseWithSchema(siteCaseJsonSchema, json, source);
    checkField(parsed.field);
    const { site, tests, testNames, units } = readSite(parsed, parsed.grid, dir, source);
    const { noise, field, seed, sensors, prior } = parsed;
    return { grid: parsed.grid, bc: site, tests, testNames, units, noise, field, seed, sensors, prior };
  }
  const parsed = parseWithSchema(caseJsonSchema, json, source);
  checkField(parsed.field);
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

/**
 * The files a case's inversion reads, relative to its directory: case.json, obs.csv and the arrays a
 * site names (active, fixedHeads, recharge, in that order). What a content hash covers and what a
 * queue job carries to another host. case.json is read as JSON only; readCase validates it.
 */
export function caseInputFiles(dir: string): string[] {
  const jsonPath = join(dir, CASE_FILES.json);
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(readText(jsonPath)) as Record<string, unknown>;
  } catch (err) {
    if ((err as Error).message.startsWith(jsonPath)) throw err;
    throw new Error(`${jsonPath}: invalid JSON (${(err as Error).message})`);
  }
  const arrays = json.format === SITE_CASE_FORMAT ? SITE_ARRAY_FIELDS.map((k) => json[k]).filter((v): v is string => typeof v === 'string') : [];
  for (const name of arrays) {
    if (isAbsolute(name) || name.split(/[\\/]/).includes('..')) {
      throw new Error(`${jsonPath}: array file ${JSON.stringify(name)} must be a path inside the case directory`);
    }
  }
  return [CASE_FILES.json, CASE_FILES.obs, ...arrays];
}

/** Reads and validates case.json (and a site's arrays) alone: a case without observations yet, as
 *  `ldinv simulate --case` takes it. */
export function readCaseDescription(dir: string): Omit<Case, 'observations'> {
  const jsonPath = join(dir, CASE_FILES.json);
  return parseCaseJson(readText(jsonPath), jsonPath, dir);
}

/** Reads and validates a case directory; truth files are optional. Errors name file, line and field. */
export function readCase(dir: string): Case {
  const spec = readCaseDescription(dir);
  const obsPath = join(dir, CASE_FILES.obs);
  const observations = parseObsCsv(readText(obsPath), obsPath, spec.grid, spec.tests.length, observationGeometry(spec));
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
  const provenance = { noise: c.noise, field: c.field, seed: c.seed, sensors: c.sensors, prior: c.prior };
  const obsPath = join(dir, CASE_FILES.obs);
  if (c.observations.length === 0) throw new Error(`${obsPath}: no observations to write`);
  c.observations.forEach((o, k) => checkObservation(o, `${obsPath} row ${k + 1}`, c.grid, c.tests.length, observationGeometry(c)));
  checkTruth(c, dir);
  if (c.field) validateFieldSpec(c.field);
  let json: Record<string, unknown>;
  let arrays: { name: string; data: ArrayLike<number> }[] = [];
  if (isSite(c)) {
    const site = siteJson(c.grid, c.bc, c.tests, c.testNames, c.units);
    json = { ...site.json, ...provenance };
    arrays = site.arrays;
    // The checks reading applies, so that whatever is written can be read back.
    parseWithSchema(siteCaseJsonSchema, JSON.parse(JSON.stringify(json)), jsonPath);
    try {
      discretise({ grid: c.grid, bc: c.bc, tests: c.tests });
    } catch (err) {
      throw new Error(`${jsonPath}: ${(err as Error).message}`);
    }
  } else {
    json = { format: CASE_FORMAT, grid: c.grid, bc: c.bc, tests: c.tests.map((wells) => ({ wells })), ...provenance };
    // Same schema as reading, so that whatever is written can be read back.
    parseWithSchema(caseJsonSchema, JSON.parse(JSON.stringify(json)), jsonPath);
  }
  mkdirSync(dir, { recursive: true });
  // An array file left from an earlier case in the same directory would be read back as this case's.
  for (const name of Object.values(SITE_FILE_NAMES)) rmSync(join(dir, name), { force: true });
  const written = [jsonPath, obsPath];
  for (const { name, data } of arrays) {
    writeNpy(join(dir, name), Float64Array.from(data), [c.grid.ny, c.grid.nx]);
    written.push(join(dir, name));
  }
  writeFileAtomic(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
  writeFileAtomic(obsPath, formatObsCsv(c.observations));
  const { nx, ny } = c.grid;
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
