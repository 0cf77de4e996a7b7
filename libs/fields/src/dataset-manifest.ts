// dataset.json: the header of a training set of ln K fields stored as raw float32 shards, generated or imported.
import { existsSync, readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { Grid } from '@ldinv/solver';
import { writeFileAtomic } from '@ldinv/tensor';
import type { FieldSpec } from './field-spec.ts';
import type { NpyDtype } from './npy.ts';
import { parseWithSchema } from './schema-error.ts';
import { fieldSpecSchema, gridSchema } from './schemas.ts';

export const DATASET_FORMAT = 'ldinv-dataset/1';
export const DATASET_MANIFEST = 'dataset.json';
/** Field i is drawn from its own stream alone (see streams.ts). */
export const SEED_DERIVATION = 'field i = sampler.sample(createRng(deriveSeed(seed, 4, i))), @ldinv/tensor';

/** Mean, standard deviation and range of the stored (float32) values. */
export interface ValueStats {
  mean: number;
  std: number;
  min: number;
  max: number;
}

export interface ShardInfo extends ValueStats {
  file: string;
  /** Index of the shard's first field. */
  first: number;
  count: number;
}

/**
 * Fields read from a user's .npy stack (`ldinv gen-data --from`): no generator made them, so the file
 * they came from stands in for its settings.
 */
export interface ImportedFields {
  kind: 'imported';
  /** Base name of the .npy file. */
  file: string;
  /** sha256 of the file's bytes, hex. */
  sha256: string;
  /** dtype of the file; the dataset stores float32 whatever it was. */
  dtype: NpyDtype;
}

/** What made a dataset's fields: a generator's settings, or the file they were imported from. */
export type DatasetFields = FieldSpec | ImportedFields;

interface DatasetStorage {
  format: typeof DATASET_FORMAT;
  grid: Grid;
  /** Number of fields the dataset holds when complete. */
  count: number;
  dtype: 'float32';
  byteOrder: 'little-endian';
  /** Each shard is `count x ny x nx` float32 values, row-major, no header. */
  fieldsPerShard: number;
  /** Shards written so far, in index order. */
  shards: ShardInfo[];
  complete: boolean;
  /** Over all values of all fields (set when complete): what a prior standardises ln K with. */
  stats?: ValueStats;
}

export interface GeneratedDatasetManifest extends DatasetStorage {
  field: FieldSpec;
  seed: number;
  seedDerivation: string;
}

export interface ImportedDatasetManifest extends DatasetStorage {
  field: ImportedFields;
}

export type DatasetManifest = GeneratedDatasetManifest | ImportedDatasetManifest;

const statsShape = { mean: z.number(), std: z.number().min(0), min: z.number(), max: z.number() };

const storageShape = {
  count: z.number().int().min(1),
  dtype: z.literal('float32'),
  byteOrder: z.literal('little-endian'),
  fieldsPerShard: z.number().int().min(1),
};

const writtenShape = {
  shards: z.array(
    z.strictObject({ file: z.string().min(1), first: z.number().int().min(0), count: z.number().int().min(1), ...statsShape }),
  ),
  complete: z.boolean(),
  stats: z.strictObject(statsShape).optional(),
};

// A generated dataset keeps its key order from before imports existed: resuming an older one rewrites its manifest byte for byte.
const generatedSchema = z.strictObject({
  format: z.literal(DATASET_FORMAT),
  field: fieldSpecSchema,
  grid: gridSchema,
  seed: z.number().int(),
  ...storageShape,
  seedDerivation: z.string(),
  ...writtenShape,
});

const importedSchema = z.strictObject({
  format: z.literal(DATASET_FORMAT),
  field: z.strictObject({
    kind: z.literal('imported'),
    file: z.string().min(1),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lower-case hex digits'),
    dtype: z.enum(['<f4', '<f8']),
  }),
  grid: gridSchema,
  ...storageShape,
  ...writtenShape,
});

/** Chosen by field.kind, so that a damaged manifest is reported against its own kind's fields. */
function schemaOf(json: unknown): typeof generatedSchema | typeof importedSchema {
  const kind = (json as { field?: { kind?: unknown } } | null)?.field?.kind;
  return kind === 'imported' ? importedSchema : generatedSchema;
}

/** The manifest checked and in canonical key order, or an error naming `dir/dataset.json` and the bad field. */
export function checkManifest(dir: string, json: unknown): DatasetManifest {
  return parseWithSchema(schemaOf(json), json, join(dir, DATASET_MANIFEST)) as DatasetManifest;
}

/** Raw shards are native float32; every machine ldinv runs on is little-endian, so refuse the others. */
export function assertLittleEndian(): void {
  if (endianness() !== 'LE') throw new Error('datasets are little-endian float32; this machine is big-endian');
}

export function shardFileName(index: number): string {
  return `shard-${String(index).padStart(3, '0')}.f32`;
}

export function readManifest(dir: string): DatasetManifest | undefined {
  const path = join(dir, DATASET_MANIFEST);
  if (!existsSync(path)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: invalid JSON (${(err as Error).message})`);
  }
  return checkManifest(dir, json);
}

/**
 * Atomic, so an interrupted run never leaves a half-written header. Written through the
 * schema, which validates it and fixes the key order (a resumed run writes the same bytes).
 */
export function writeManifest(dir: string, manifest: DatasetManifest): void {
  writeFileAtomic(join(dir, DATASET_MANIFEST), `${JSON.stringify(checkManifest(dir, manifest), null, 2)}\n`);
}

/** Pooled mean and standard deviation of shards (law of total variance). */
export function combineStats(parts: readonly (ValueStats & { count: number })[], fieldSize: number): ValueStats {
  const total = parts.reduce((a, p) => a + p.count, 0) * fieldSize;
  const mean = parts.reduce((a, p) => a + p.mean * p.count * fieldSize, 0) / total;
  const second = parts.reduce((a, p) => a + (p.std ** 2 + (p.mean - mean) ** 2) * p.count * fieldSize, 0) / total;
  return {
    mean,
    std: Math.sqrt(second),
    min: Math.min(...parts.map((p) => p.min)),
    max: Math.max(...parts.map((p) => p.max)),
  };
}
