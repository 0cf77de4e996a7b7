import { mkdtempSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDataset } from './dataset-reader.ts';
import { generateDataset, type GenerateDatasetOptions } from './dataset-writer.ts';
import { createFieldSampler } from './field-sampler.ts';
import { fieldSpec } from './field-spec.ts';
import { streamRng } from './streams.ts';

const root = mkdtempSync(join(tmpdir(), 'ldinv-dataset-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const grid = { nx: 16, ny: 12 };
const size = grid.nx * grid.ny;
const options: GenerateDatasetOptions = { field: fieldSpec('gaussian'), grid, count: 25, seed: 5, fieldsPerShard: 10 };

/** Field i as generateDataset must store it: from (seed, 'field', i) alone, rounded to float32. */
function expected(i: number): Float32Array {
  return Float32Array.from(createFieldSampler(options.field, grid).sample(streamRng(options.seed, 'field', i)));
}

const base = join(root, 'base');
const manifest = generateDataset(options, base);

describe('datasets', () => {
  it('store field i from (seed, i) in float32 shards of at most fieldsPerShard fields', () => {
    expect(manifest.shards.map((s) => [s.file, s.first, s.count])).toEqual([
      ['shard-000.f32', 0, 10],
      ['shard-001.f32', 10, 10],
      ['shard-002.f32', 20, 5],
    ]);
    expect(readFileSync(join(base, 'shard-001.f32')).length).toBe(10 * size * 4);
    const ds = openDataset(base);
    expect(ds.count).toBe(25);
    // A read across a shard boundary returns exactly the fields asked for.
    const got = ds.read(8, 4);
    expect(got.length).toBe(4 * size);
    for (let k = 0; k < 4; k++) expect(got.subarray(k * size, (k + 1) * size)).toEqual(expected(8 + k));
    ds.close();
  });

  it('record generator settings, seed and statistics of all values', () => {
    const json = JSON.parse(readFileSync(join(base, 'dataset.json'), 'utf8'));
    expect(json).toMatchObject({ field: options.field, grid, seed: 5, count: 25, dtype: 'float32', complete: true });
    expect(Object.keys(json)).toEqual([
      'format', 'field', 'grid', 'seed', 'count', 'dtype', 'byteOrder', 'fieldsPerShard', 'seedDerivation', 'shards', 'complete', 'stats',
    ]);
    const all = openDataset(base).read(0, 25);
    const mean = all.reduce((a, v) => a + v, 0) / all.length;
    const std = Math.sqrt(all.reduce((a, v) => a + (v - mean) ** 2, 0) / all.length);
    expect(json.stats.mean).toBeCloseTo(mean, 12);
    expect(json.stats.std).toBeCloseTo(std, 12);
    expect(json.stats.min).toBe(Math.min(...all));
    expect(json.stats.max).toBe(Math.max(...all));
  });

  it('resume after an interruption gives the same bytes as an uninterrupted run', () => {
    const dir = join(root, 'resumed');
    const interrupt = (done: number) => {
      if (done === 15) throw new Error('interrupted');
    };
    expect(() => generateDataset({ ...options, onProgress: interrupt }, dir)).toThrow('interrupted');
    expect(() => openDataset(dir)).toThrow(
      `${join(dir, 'dataset.json')}: incomplete (10 of 25 fields written); rerun gen-data with the same settings to finish it`,
    );
    const seen: number[] = [];
    generateDataset({ ...options, onProgress: (done) => seen.push(done) }, dir);
    expect(seen[0]).toBe(10); // the first shard was kept, not regenerated
    for (const file of ['shard-000.f32', 'shard-001.f32', 'shard-002.f32', 'dataset.json']) {
      expect(readFileSync(join(dir, file)).equals(readFileSync(join(base, file))), file).toBe(true);
    }
    expect(() => generateDataset({ ...options, seed: 6 }, dir)).toThrow(
      `${join(dir, 'dataset.json')}: holds a dataset with other settings; choose another --out or remove it`,
    );
  });

  it('batches: a seeded permutation per epoch, read from disk on demand', () => {
    const ds = openDataset(base);
    const run = (seed: number) => [...ds.batches({ batchSize: 8, seed, epochs: 2 })];
    const a = run(1);
    expect(a.map((b) => b.indices.length)).toEqual([8, 8, 8, 1, 8, 8, 8, 1]);
    for (const epoch of [0, 1]) {
      const order = a.filter((b) => b.epoch === epoch).flatMap((b) => b.indices);
      expect([...order].sort((x, y) => x - y)).toEqual(Array.from({ length: 25 }, (_, k) => k));
    }
    expect(a.slice(0, 4).flatMap((b) => b.indices)).not.toEqual(a.slice(4).flatMap((b) => b.indices));
    expect(run(1).map((b) => b.indices)).toEqual(a.map((b) => b.indices));
    expect(run(2)[0].indices).not.toEqual(a[0].indices);
    const b = a[1];
    b.indices.forEach((i, k) => expect(b.data.subarray(k * size, (k + 1) * size)).toEqual(expected(i)));
    expect([...ds.batches({ batchSize: 8, seed: 1, dropLast: true })].length).toBe(3);
    expect(() => ds.read(20, 6)).toThrow('fields [20, 26) are out of range (the dataset holds 25)');
    ds.close();
  });

  it('a damaged or missing dataset is a one-line error naming the file', () => {
    const dir = join(root, 'damaged');
    generateDataset(options, dir);
    truncateSync(join(dir, 'shard-002.f32'), 100);
    expect(() => openDataset(dir)).toThrow(
      `${join(dir, 'shard-002.f32')}: 100 bytes, expected 5 fields x ${size * 4} bytes = ${5 * size * 4}`,
    );
    expect(() => openDataset(join(root, 'none'))).toThrow(`${join(root, 'none', 'dataset.json')}: not found`);
  });
});
