import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importDataset } from './dataset-import.ts';
import { openDataset } from './dataset-reader.ts';
import { encodeNpy, writeNpy } from './npy.ts';

const root = mkdtempSync(join(tmpdir(), 'ldinv-import-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// A non-square stack [n, ny, nx] whose value tells where it lies: field k, row j, column i.
const [n, ny, nx] = [5, 8, 12];
const stack = Float64Array.from({ length: n * ny * nx }, (_, p) => {
  const [k, j, i] = [Math.floor(p / (ny * nx)), Math.floor(p / nx) % ny, p % nx];
  return k + 0.01 * j + 0.0001 * i + 1 / 3;
});
const stackFile = join(root, 'stack.npy');
writeNpy(stackFile, stack, [n, ny, nx]);

/** The stack as NumPy saves it in Fortran order (np.asfortranarray): field index fastest, column index slowest. */
function fortranBytes(c: Float32Array | Float64Array): Uint8Array {
  const stored = new (c.constructor as Float32ArrayConstructor | Float64ArrayConstructor)(c.length);
  for (let k = 0; k < n; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) stored[k + n * (j + ny * i)] = c[(k * ny + j) * nx + i];
  const bytes = encodeNpy(stored, [n, ny, nx]);
  const at = Buffer.from(bytes).indexOf('False', 0, 'latin1');
  bytes.set(Buffer.from('True ', 'latin1'), at);
  return bytes;
}

describe('imported datasets', () => {
  const dir = join(root, 'imported');
  const manifest = importDataset({ from: stackFile, fieldsPerShard: 2 }, dir);

  it('store the stack as float32 shards, field by field, with the source file and its sha256 in place of a generator', () => {
    expect(manifest).toMatchObject({ grid: { nx: 12, ny: 8 }, count: 5, fieldsPerShard: 2, complete: true });
    expect(manifest.field).toEqual({
      kind: 'imported',
      file: 'stack.npy',
      sha256: createHash('sha256').update(readFileSync(stackFile)).digest('hex'),
      dtype: '<f8',
    });
    const json = JSON.parse(readFileSync(join(dir, 'dataset.json'), 'utf8'));
    expect(Object.keys(json)).toEqual(['format', 'field', 'grid', 'count', 'dtype', 'byteOrder', 'fieldsPerShard', 'shards', 'complete', 'stats']);
    expect(manifest.shards.map((s) => [s.file, s.first, s.count])).toEqual([
      ['shard-000.f32', 0, 2],
      ['shard-001.f32', 2, 2],
      ['shard-002.f32', 4, 1],
    ]);
    const ds = openDataset(dir);
    expect(ds.grid).toEqual({ nx: 12, ny: 8 });
    expect(ds.read(0, 5)).toEqual(Float32Array.from(stack));
    // Field 3, row 2, column 7 is where the stack had it.
    expect(ds.read(3, 1)[2 * nx + 7]).toBe(Math.fround(3 + 0.02 + 0.0007 + 1 / 3));
    ds.close();
    expect(json.stats.min).toBe(Math.fround(1 / 3));
    expect(json.stats.max).toBe(Math.fround(4 + 0.07 + 0.0011 + 1 / 3));
  });

  it('read Fortran-order and <f4 stacks into the same fields', () => {
    const f4 = Float32Array.from(stack);
    writeFileSync(join(root, 'fortran.npy'), fortranBytes(f4));
    const m = importDataset({ from: join(root, 'fortran.npy'), fieldsPerShard: 2 }, join(root, 'fortran'));
    expect(m.field).toMatchObject({ kind: 'imported', file: 'fortran.npy', dtype: '<f4' });
    for (const file of ['shard-000.f32', 'shard-001.f32', 'shard-002.f32']) {
      expect(readFileSync(join(root, 'fortran', file)).equals(readFileSync(join(dir, file))), file).toBe(true);
    }
  });

  it('resume an interrupted import of the same file; refuse a different file in the same place', () => {
    const again = join(root, 'resumed');
    const interrupt = (done: number) => {
      if (done === 3) throw new Error('interrupted');
    };
    expect(() => importDataset({ from: stackFile, fieldsPerShard: 2, onProgress: interrupt }, again)).toThrow('interrupted');
    const seen: number[] = [];
    importDataset({ from: stackFile, fieldsPerShard: 2, onProgress: (d) => seen.push(d) }, again);
    expect(seen[0]).toBe(2);
    for (const file of ['shard-000.f32', 'shard-001.f32', 'shard-002.f32', 'dataset.json']) {
      expect(readFileSync(join(again, file)).equals(readFileSync(join(dir, file))), file).toBe(true);
    }
    const before = readFileSync(join(dir, 'dataset.json'));
    expect(() => importDataset({ from: join(root, 'fortran.npy'), fieldsPerShard: 2 }, dir)).toThrow(
      `${join(dir, 'dataset.json')}: holds a dataset with other settings; choose another --out or remove it`,
    );
    expect(readFileSync(join(dir, 'dataset.json')).equals(before)).toBe(true);
  });

  it('a damaged imported manifest is reported against the imported fields', () => {
    const json = JSON.parse(readFileSync(join(dir, 'dataset.json'), 'utf8'));
    const damaged = join(root, 'damaged');
    mkdirSync(damaged);
    writeFileSync(join(damaged, 'dataset.json'), JSON.stringify({ ...json, field: { ...json.field, sha256: 'abc' } }));
    expect(() => openDataset(damaged)).toThrow(`${join(damaged, 'dataset.json')}: field.sha256: expected 64 lower-case hex digits`);
    writeFileSync(join(damaged, 'dataset.json'), JSON.stringify({ ...json, seed: 1 }));
    expect(() => openDataset(damaged)).toThrow(`${join(damaged, 'dataset.json')}: (top level): unknown field 'seed'`);
  });

  it('refuse what is not a finite stack of enough fields in one line naming the file, writing nothing', () => {
    const cases: [string, Float32Array | Float64Array, number[], string][] = [
      ['field.npy', new Float64Array(8 * 12), [8, 12], 'expected a stack of ln K fields of shape [n, ny, nx], got shape [8,12]'],
      ['two.npy', new Float64Array(2 * 8 * 12), [2, 8, 12], 'holds 2 field(s), expected at least 3 (two to train on, one held out)'],
      ['small.npy', new Float32Array(3 * 4 * 12), [3, 4, 12], 'fields of [ny, nx] = [4, 12] cells, expected ny and nx >= 8'],
      ['nan.npy', Float64Array.from(stack, (v, p) => (p === (2 * ny + 3) * nx + 5 ? NaN : v)), [n, ny, nx], 'non-finite value NaN at [2, 3, 5] (field, row, column), expected finite ln K everywhere'],
      ['inf.npy', Float32Array.from(stack, (v, p) => (p === n * ny * nx - 1 ? -Infinity : v)), [n, ny, nx], 'non-finite value -Infinity at [4, 7, 11] (field, row, column), expected finite ln K everywhere'],
      ['huge.npy', Float64Array.from(stack, (v, p) => (p === nx ? 1e300 : v)), [n, ny, nx], 'value 1e+300 beyond the float32 range at [0, 1, 0] (field, row, column), expected finite ln K everywhere'],
    ];
    for (const [name, data, shape, message] of cases) {
      const from = join(root, name);
      writeNpy(from, data, shape);
      const out = join(root, `out-${name}`);
      expect(() => importDataset({ from }, out)).toThrow(new Error(`${from}: ${message}`));
      expect(existsSync(out), name).toBe(false);
    }
    expect(() => importDataset({ from: join(root, 'none.npy') }, join(root, 'out-none'))).toThrow(`${join(root, 'none.npy')}: cannot read (ENOENT)`);
    expect(readdirSync(root).filter((f) => f.startsWith('out-'))).toEqual([]);
  });
});
