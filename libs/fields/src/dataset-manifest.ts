// dataset.json: the header of a training set of ln K fields stored as raw float32 shards.
import { existsSync, readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { Grid } from '@ldinv/solver';
import { writeFileAtomic } from '@ldinv/tensor';
import type { FieldSpec } from './field-spec.ts';
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

export interface DatasetManifest {
  format: typeof DATASET_FORMAT;
  field: FieldSpec;
  grid: Grid;
  seed: number;
  /** Number of fields the dataset holds when complete. */
  count: number;
  dtype: 'float32';
  byteOrder: 'little-endian';
  /** Each shard is `count x ny x nx` float32 values, row-major, no header. */
  fieldsPerShard: number;
  seedDerivation: string;
  /** Shards written so far, in index order. */
  shards: ShardInfo[];
  complete: boolean;
  /** Over all values of all fields (set when complete): what a prior standardises ln K with. */
  stats?: ValueStats;
}

const statsShape = { mean: z.number(), std: z.number().min(0), min: z.number(), max: z.number() };

const manifestSchema = z.strictObject({
  format: z.literal(DATASET_FORMAT),
  field: fieldSpecSchema,
  grid: gridSchema,
  seed: z.number().int(),
  count: z.number().int().min(1),
  dtype: z.literal('float32'),
  byteOrder: z.literal('little-endian'),
  fieldsPerShard: z.number().int().min(1),
  seedDerivation: z.string(),
  shards: z.array(
    z.strictObject({ file: z.string().min(1), first: z.number().int().min(0), count: z.number().int().min(1), ...statsShape }),
  ),
  complete: z.boolean(),
  stats: z.strictObject(statsShape).optional(),
});

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
  return parseWithSchema(manifestSchema, json, path) as DatasetManifest;
}

/**
 * Atomic, so an interrupted run never leaves a half-written header. Written through the
 * schema, which validates it and fixes the key order (a resumed run writes the same bytes).
 */
export function writeManifest(dir: string, manifest: DatasetManifest): void {
  const path = join(dir, DATASET_MANIFEST);
  const canonical = parseWithSchema(manifestSchema, manifest, path);
  writeFileAtomic(path, `${JSON.stringify(canonical, null, 2)}\n`);
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
