// A user's own training images: a .npy stack of ln K fields stored as a dataset (`ldinv gen-data --from`).
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { DATASET_FORMAT, type DatasetManifest, type ImportedDatasetManifest } from './dataset-manifest.ts';
import { fieldsPerShardFor, writeDataset } from './dataset-writer.ts';
import { MIN_GRID } from './field-sampler.ts';
import { parseNpy, readNpyBytes } from './npy.ts';

/** The fewest fields `ldinv train` can use: two to train on (a mean and a spread) and one held out. */
export const MIN_IMPORTED_FIELDS = 3;

export interface ImportDatasetOptions {
  /** .npy stack [n, ny, nx] of ln K fields: <f4 or <f8, C or Fortran order, every value finite. */
  from: string;
  /** Fields per shard; default as generateDataset's. */
  fieldsPerShard?: number;
  /** Called after every field with (fields done, count), resumed ones included. */
  onProgress?: (done: number, count: number) => void;
}

/**
 * Stores the fields of `options.from` as the dataset in `dir`, in the format generateDataset writes; the
 * manifest names the file and its sha256 instead of a generator. A stack that is no such stack is a one-line
 * error naming the file, raised before anything is written. An interrupted import of the same file resumes.
 */
export function importDataset(options: ImportDatasetOptions, dir: string): DatasetManifest {
  const { from } = options;
  const bytes = readNpyBytes(from);
  const stack = parseNpy(bytes, from);
  if (stack.shape.length !== 3) {
    throw new Error(`${from}: expected a stack of ln K fields of shape [n, ny, nx], got shape [${stack.shape}]`);
  }
  const [n, ny, nx] = stack.shape;
  if (n < MIN_IMPORTED_FIELDS) {
    throw new Error(`${from}: holds ${n} field(s), expected at least ${MIN_IMPORTED_FIELDS} (two to train on, one held out)`);
  }
  if (ny < MIN_GRID || nx < MIN_GRID) {
    throw new Error(`${from}: fields of [ny, nx] = [${ny}, ${nx}] cells, expected ny and nx >= ${MIN_GRID}`);
  }
  const cells = ny * nx;
  // Stored as float32: a finite float64 beyond its range would be stored as infinite.
  const bad = stack.data.findIndex((v) => !Number.isFinite(Math.fround(v)));
  if (bad >= 0) {
    const v = stack.data[bad];
    const what = Number.isFinite(v) ? `value ${v} beyond the float32 range` : `non-finite value ${v}`;
    const at = [Math.floor(bad / cells), Math.floor((bad % cells) / nx), bad % nx];
    throw new Error(`${from}: ${what} at [${at.join(', ')}] (field, row, column), expected finite ln K everywhere`);
  }
  const manifest: ImportedDatasetManifest = {
    format: DATASET_FORMAT,
    field: { kind: 'imported', file: basename(from), sha256: createHash('sha256').update(bytes).digest('hex'), dtype: stack.dtype },
    grid: { nx, ny },
    count: n,
    dtype: 'float32',
    byteOrder: 'little-endian',
    fieldsPerShard: fieldsPerShardFor({ nx, ny }, options.fieldsPerShard),
    shards: [],
    complete: false,
  };
  return writeDataset(dir, manifest, (i, field) => field.set(stack.data.subarray(i * cells, (i + 1) * cells)), options.onProgress);
}
