import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeNpy, parseNpy, readField, readNpy, writeNpy } from './npy.ts';

/** A format 1.0 file with this header and these values as stored, in the order they lie on disk. */
function npyBytes(header: string, stored: Float32Array | Float64Array): Uint8Array {
  const padded = header + ' '.repeat(128 - 10 - header.length - 1) + '\n';
  const bytes = new Uint8Array(128 + stored.byteLength);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length, 0]);
  bytes.set(new TextEncoder().encode(padded), 10);
  bytes.set(new Uint8Array(stored.buffer, stored.byteOffset, stored.byteLength), 128);
  return bytes;
}

const fortranHeader = (descr: string, shape: string) => `{'descr': '${descr}', 'fortran_order': True, 'shape': ${shape}, }`;

describe('npy', () => {
  it('round-trips float32 and float64 with a 64-byte aligned header', () => {
    for (const data of [new Float32Array([1.5, -2, 3, 4, 5, 6]), new Float64Array([Math.PI, 1e-300, -7, 0, 2, 9])]) {
      const bytes = encodeNpy(data, [2, 3]);
      const dataStart = bytes.length - data.byteLength;
      expect(dataStart % 64).toBe(0);
      const back = parseNpy(bytes);
      expect(back.shape).toEqual([2, 3]);
      expect(Array.from(back.data)).toEqual(Array.from(data));
      expect(back.dtype).toBe(data instanceof Float32Array ? '<f4' : '<f8');
    }
  });

  it('round-trips through a file (a Node Buffer, whose slice shares memory)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ldinv-npy-'));
    try {
      const data = Float64Array.from({ length: 12 }, (_, k) => k / 3);
      writeNpy(join(dir, 'a.npy'), data, [3, 4]);
      const back = readNpy(join(dir, 'a.npy'));
      expect(back.shape).toEqual([3, 4]);
      expect(back.data).toEqual(data);
      expect(parseNpy(Buffer.from(encodeNpy(data, [12]))).data).toEqual(data);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a header written by numpy 1.26 (format 1.0)', () => {
    // np.save of np.arange(4, dtype='<f8').reshape(2, 2)
    const header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }";
    expect(Array.from(parseNpy(npyBytes(header, new Float64Array([0, 1, 2, 3]))).data)).toEqual([0, 1, 2, 3]);
  });

  it('reads Fortran-order arrays (np.save of a transposed array) into C order', () => {
    // a = [[1, 2, 3], [4, 5, 6]] lies on disk column by column.
    for (const Type of [Float32Array, Float64Array]) {
      const descr = Type === Float32Array ? '<f4' : '<f8';
      const a = parseNpy(npyBytes(fortranHeader(descr, '(2, 3)'), new Type([1, 4, 2, 5, 3, 6])));
      expect(a).toMatchObject({ shape: [2, 3], dtype: descr });
      expect(a.data).toBeInstanceOf(Type);
      expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 6]);
    }
    // b[i, j, k] = 100 i + 10 j + k, shape [2, 3, 4]: on disk i varies fastest, then j, then k.
    const stored = [
      0, 100, 10, 110, 20, 120, 1, 101, 11, 111, 21, 121, 2, 102, 12, 112, 22, 122, 3, 103, 13, 113, 23, 123,
    ];
    const rowMajor = [
      0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23, 100, 101, 102, 103, 110, 111, 112, 113, 120, 121, 122, 123,
    ];
    for (const Type of [Float32Array, Float64Array]) {
      const descr = Type === Float32Array ? '<f4' : '<f8';
      const b = parseNpy(npyBytes(fortranHeader(descr, '(2, 3, 4)'), new Type(stored)));
      expect(b.shape).toEqual([2, 3, 4]);
      expect(Array.from(b.data)).toEqual(rowMajor);
    }
    // One axis, or none, is the same in both orders.
    expect(Array.from(parseNpy(npyBytes(fortranHeader('<f8', '(3,)'), new Float64Array([7, 8, 9]))).data)).toEqual([7, 8, 9]);
    expect(Array.from(parseNpy(npyBytes(fortranHeader('<f8', '()'), new Float64Array([7]))).data)).toEqual([7]);
  });

  it('readField reads a Fortran-order field row-major', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ldinv-npy-'));
    try {
      // [[0.5, 1.5], [2.5, 3.5], [4.5, 5.5]] (ny = 3, nx = 2), column by column.
      writeFileSync(join(dir, 'f.npy'), npyBytes(fortranHeader('<f4', '(3, 2)'), new Float32Array([0.5, 2.5, 4.5, 1.5, 3.5, 5.5])));
      const field = readField(join(dir, 'f.npy'));
      expect(field).toMatchObject({ ny: 3, nx: 2 });
      expect(Array.from(field.data)).toEqual([0.5, 1.5, 2.5, 3.5, 4.5, 5.5]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects unsupported dtypes and malformed headers in one line', () => {
    const good = encodeNpy(new Float64Array(4), [2, 2]);
    // Same-length byte substitutions inside the header.
    const swap = (from: string, to: string) => {
      const out = good.slice();
      const at = Buffer.from(out).indexOf(from, 0, 'latin1');
      out.set(Buffer.from(to, 'latin1'), at);
      return out;
    };
    expect(() => parseNpy(swap("'<f8'", "'>f8'"), 'k.npy')).toThrow(/^k\.npy: unsupported dtype '>f8'/);
    expect(() => parseNpy(swap('False', 'Fals_'), 'k.npy')).toThrow(/k\.npy: malformed header/);
    expect(() => parseNpy(swap("'shape'", "'shapx'"), 'k.npy')).toThrow(/k\.npy: malformed header/);
    expect(() => parseNpy(good.subarray(0, good.length - 8), 'k.npy')).toThrow(/k\.npy: data size/);
    expect(() => parseNpy(new Uint8Array([1, 2, 3]), 'k.npy')).toThrow(/k\.npy: not a \.npy file/);
    for (const fn of [() => parseNpy(swap("'<f8'", "'>f8'"), 'k.npy')]) {
      expect(fn).toThrow(expect.objectContaining({ message: expect.not.stringContaining('\n') }));
    }
  });

  it('reads integer and bool masks (as NumPy writes them) as float64 values', () => {
    // np.save of np.array([[1, 0, 3], [-2, 1, 0]], dtype=np.int32) and of that array != 0 (bool).
    const header = (descr: string) => {
      let h = `{'descr': '${descr}', 'fortran_order': False, 'shape': (2, 3), }`;
      h += ' '.repeat((64 - ((10 + h.length + 1) % 64)) % 64) + '\n';
      const out = new Uint8Array(10 + h.length);
      out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, h.length & 255, h.length >> 8]);
      out.set(Buffer.from(h, 'latin1'), 10);
      return out;
    };
    const ints = new Int32Array([1, 0, 3, -2, 1, 0]);
    const i4 = Buffer.concat([header('<i4'), new Uint8Array(ints.buffer)]);
    expect(Array.from(parseNpy(i4, 'a.npy').data)).toEqual([1, 0, 3, -2, 1, 0]);
    const b1 = Buffer.concat([header('|b1'), Uint8Array.from(ints, (v) => (v !== 0 ? 1 : 0))]);
    const mask = parseNpy(b1, 'b.npy');
    expect(mask.shape).toEqual([2, 3]);
    expect(Array.from(mask.data)).toEqual([1, 0, 1, 1, 1, 0]);
  });
});
