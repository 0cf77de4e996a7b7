// Reading a dataset written by generateDataset: only the bytes asked for are read, so training never holds
// the whole set in memory.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Grid } from '@ldinv/solver';
import { shuffledIndices } from '@ldinv/tensor';
import { assertLittleEndian, DATASET_MANIFEST, readManifest, type DatasetManifest } from './dataset-manifest.ts';
import { streamRng } from './streams.ts';

export interface Batch {
  epoch: number;
  /** Dataset indices of the fields in `data`, in order. */
  indices: number[];
  /** [indices.length, ny, nx] row-major. */
  data: Float32Array;
}

export interface BatchOptions {
  batchSize: number;
  /** Seed of the shuffles: epoch e uses the permutation drawn from stream (seed, shuffle, e). */
  seed: number;
  /** Number of passes over the data (default 1). */
  epochs?: number;
  /** Skip the last, smaller batch of each epoch (default false). */
  dropLast?: boolean;
}

export interface Dataset {
  readonly dir: string;
  readonly manifest: DatasetManifest;
  readonly count: number;
  readonly grid: Grid;
  /** Fields i0 .. i0 + n - 1 as [n, ny, nx]. */
  read(i0: number, n: number): Float32Array;
  /** The fields at `indices`, in that order, as [indices.length, ny, nx]. */
  readIndices(indices: readonly number[]): Float32Array;
  /** Seeded shuffled mini-batches, reading each batch from disk when it is asked for. */
  batches(options: BatchOptions): Generator<Batch>;
  close(): void;
}

export function openDataset(dir: string): Dataset {
  assertLittleEndian();
  const manifestPath = join(dir, DATASET_MANIFEST);
  const manifest = readManifest(dir);
  if (!manifest) throw new Error(`${manifestPath}: not found (is ${dir} a dataset written by gen-data?)`);
  const written = manifest.shards.reduce((a, s) => a + s.count, 0);
  if (!manifest.complete || written !== manifest.count) {
    throw new Error(
      `${manifestPath}: incomplete (${written} of ${manifest.count} fields written); ` +
        'rerun gen-data with the same settings to finish it',
    );
  }
  const { grid } = manifest;
  const fieldBytes = 4 * grid.nx * grid.ny;
  manifest.shards.forEach((s, k) => {
    const path = join(dir, s.file);
    const expectFirst = k === 0 ? 0 : manifest.shards[k - 1].first + manifest.shards[k - 1].count;
    if (s.first !== expectFirst) throw new Error(`${manifestPath}: shards[${k}].first must be ${expectFirst}, got ${s.first}`);
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      throw new Error(`${path}: missing (listed in ${DATASET_MANIFEST})`);
    }
    if (size !== s.count * fieldBytes) {
      throw new Error(`${path}: ${size} bytes, expected ${s.count} fields x ${fieldBytes} bytes = ${s.count * fieldBytes}`);
    }
  });
  const fds = new Map<number, number>();
  const fd = (shard: number) => {
    let f = fds.get(shard);
    if (f === undefined) {
      f = openSync(join(dir, manifest.shards[shard].file), 'r');
      fds.set(shard, f);
    }
    return f;
  };
  const shardOf = (i: number) => Math.floor(i / manifest.fieldsPerShard);
  const checkRange = (i0: number, n: number) => {
    if (!Number.isInteger(i0) || !Number.isInteger(n) || i0 < 0 || n < 0 || i0 + n > manifest.count) {
      throw new Error(`${dir}: fields [${i0}, ${i0 + n}) are out of range (the dataset holds ${manifest.count})`);
    }
  };
  /** Reads fields [i0, i0 + n) of one run of consecutive indices into `bytes` at `offset`. */
  const readRun = (i0: number, n: number, bytes: Uint8Array, offset: number) => {
    let i = i0;
    while (i < i0 + n) {
      const s = shardOf(i);
      const shard = manifest.shards[s];
      const take = Math.min(i0 + n, shard.first + shard.count) - i;
      const got = readSync(fd(s), bytes, offset, take * fieldBytes, (i - shard.first) * fieldBytes);
      if (got !== take * fieldBytes) throw new Error(`${join(dir, shard.file)}: short read`);
      offset += take * fieldBytes;
      i += take;
    }
  };
  const dataset: Dataset = {
    dir,
    manifest,
    count: manifest.count,
    grid,
    read(i0, n) {
      checkRange(i0, n);
      const out = new Float32Array((n * fieldBytes) / 4);
      readRun(i0, n, new Uint8Array(out.buffer), 0);
      return out;
    },
    readIndices(indices) {
      const out = new Float32Array((indices.length * fieldBytes) / 4);
      const bytes = new Uint8Array(out.buffer);
      indices.forEach((i, k) => {
        checkRange(i, 1);
        readRun(i, 1, bytes, k * fieldBytes);
      });
      return out;
    },
    *batches({ batchSize, seed, epochs = 1, dropLast = false }) {
      if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be an integer >= 1, got ${batchSize}`);
      for (let epoch = 0; epoch < epochs; epoch++) {
        // The epoch's own stream: any epoch can be replayed alone.
        const order = Array.from(shuffledIndices(manifest.count, streamRng(seed, 'shuffle', epoch).uniform));
        for (let b = 0; b < order.length; b += batchSize) {
          const indices = order.slice(b, b + batchSize);
          if (dropLast && indices.length < batchSize) break;
          yield { epoch, indices, data: dataset.readIndices(indices) };
        }
      }
    },
    close() {
      for (const f of fds.values()) closeSync(f);
      fds.clear();
    },
  };
  return dataset;
}
