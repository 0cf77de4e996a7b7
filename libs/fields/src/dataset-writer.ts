// Writing a training set into raw float32 shards: one shard in memory at a time, each written
// atomically and recorded in dataset.json, so an interrupted run resumes at the first missing shard.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Grid } from '@ldinv/solver';
import { writeFileAtomic } from '@ldinv/tensor';
import {
  assertLittleEndian,
  checkManifest,
  combineStats,
  DATASET_FORMAT,
  DATASET_MANIFEST,
  readManifest,
  SEED_DERIVATION,
  shardFileName,
  writeManifest,
  type DatasetManifest,
  type GeneratedDatasetManifest,
  type ShardInfo,
} from './dataset-manifest.ts';
import { createFieldSampler } from './field-sampler.ts';
import type { FieldSpec } from './field-spec.ts';
import { streamRng } from './streams.ts';

export interface GenerateDatasetOptions {
  field: FieldSpec;
  grid: Grid;
  /** Number of fields. */
  count: number;
  seed: number;
  /** Fields per shard; default: at most 1000 and at most 64 MiB per shard. */
  fieldsPerShard?: number;
  /** Called after every field with (fields done, count), resumed ones included. */
  onProgress?: (done: number, count: number) => void;
}

export const MAX_FIELDS_PER_SHARD = 1000;
const MAX_SHARD_BYTES = 64 * 2 ** 20;

function shardStats(values: Float32Array): Omit<ShardInfo, 'file' | 'first' | 'count'> {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / values.length;
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  return { mean, std: Math.sqrt(ss / values.length), min, max };
}

/**
 * Writes `dir/dataset.json` and `dir/shard-NNN.f32`. If `dir` already holds a dataset with the same settings,
 * the shards it records are kept and generation continues after them (field i depends only on (seed, i)).
 */
export function generateDataset(options: GenerateDatasetOptions, dir: string): DatasetManifest {
  const { field, grid, count, seed } = options;
  if (!Number.isInteger(count) || count < 1) throw new Error(`count must be an integer >= 1, got ${count}`);
  if (!Number.isSafeInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  const sampler = createFieldSampler(field, grid);
  const manifest: GeneratedDatasetManifest = {
    format: DATASET_FORMAT,
    field,
    grid: { nx: grid.nx, ny: grid.ny },
    seed,
    count,
    dtype: 'float32',
    byteOrder: 'little-endian',
    fieldsPerShard: fieldsPerShardFor(grid, options.fieldsPerShard),
    seedDerivation: SEED_DERIVATION,
    shards: [],
    complete: false,
  };
  const out = new Float64Array(grid.nx * grid.ny);
  return writeDataset(dir, manifest, (i, target) => target.set(sampler.sample(streamRng(seed, 'field', i), out)), options.onProgress);
}

/** The fields per shard asked for, else at most 1000 and at most 64 MiB per shard. */
export function fieldsPerShardFor(grid: Grid, requested?: number): number {
  const fieldsPerShard = requested ?? Math.max(1, Math.min(MAX_FIELDS_PER_SHARD, Math.floor(MAX_SHARD_BYTES / (4 * grid.nx * grid.ny))));
  if (!Number.isInteger(fieldsPerShard) || fieldsPerShard < 1) {
    throw new Error(`fieldsPerShard must be an integer >= 1, got ${fieldsPerShard}`);
  }
  return fieldsPerShard;
}

/**
 * Writes the dataset `fresh` describes (no shards yet) into `dir`, field i as `fill(i, field)` puts it. A dataset
 * already in `dir` with the same settings keeps its shards and continues after them; one with other settings, or
 * a `fresh` the schema refuses, is an error before anything is written.
 */
export function writeDataset(
  dir: string,
  fresh: DatasetManifest,
  fill: (i: number, field: Float32Array) => void,
  onProgress?: (done: number, count: number) => void,
): DatasetManifest {
  assertLittleEndian();
  checkManifest(dir, fresh);
  const existing = readManifest(dir);
  let manifest = fresh;
  if (existing) {
    const settings = (m: DatasetManifest) => ({ ...m, shards: [], complete: false, stats: undefined });
    if (!isDeepStrictEqual(settings(existing), settings(fresh))) {
      throw new Error(
        `${join(dir, DATASET_MANIFEST)}: holds a dataset with other settings; choose another --out or remove it`,
      );
    }
    manifest = existing;
  }
  mkdirSync(dir, { recursive: true });
  const { count, fieldsPerShard } = fresh;
  const fieldSize = fresh.grid.nx * fresh.grid.ny;
  const shardCount = Math.ceil(count / fieldsPerShard);
  let done = manifest.shards.reduce((a, s) => a + s.count, 0);
  onProgress?.(done, count);
  for (let s = manifest.shards.length; s < shardCount; s++) {
    const first = s * fieldsPerShard;
    const n = Math.min(fieldsPerShard, count - first);
    const shard = new Float32Array(n * fieldSize);
    for (let k = 0; k < n; k++) {
      fill(first + k, shard.subarray(k * fieldSize, (k + 1) * fieldSize));
      onProgress?.(++done, count);
    }
    const file = shardFileName(s);
    const path = join(dir, file);
    writeFileAtomic(path, new Uint8Array(shard.buffer));
    manifest = { ...manifest, shards: [...manifest.shards, { file, first, count: n, ...shardStats(shard) }] };
    writeManifest(dir, manifest);
  }
  if (!manifest.complete) {
    manifest = { ...manifest, complete: true, stats: combineStats(manifest.shards, fieldSize) };
    writeManifest(dir, manifest);
  }
  return manifest;
}
