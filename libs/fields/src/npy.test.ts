import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeNpy, parseNpy, readNpy, writeNpy } from './npy.ts';

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
    const padded = header + ' '.repeat(128 - 10 - header.length - 1) + '\n';
    const bytes = new Uint8Array(10 + padded.length + 32);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length, 0]);
    bytes.set(new TextEncoder().encode(padded), 10);
    new Float64Array(bytes.buffer, 128, 4).set([0, 1, 2, 3]);
    expect(Array.from(parseNpy(bytes).data)).toEqual([0, 1, 2, 3]);
  });

  it('rejects unsupported dtypes, Fortran order and malformed headers in one line', () => {
    const good = encodeNpy(new Float64Array(4), [2, 2]);
    // Same-length byte substitutions inside the header.
    const swap = (from: string, to: string) => {
      const out = good.slice();
      const at = Buffer.from(out).indexOf(from, 0, 'latin1');
      out.set(Buffer.from(to, 'latin1'), at);
      return out;
    };
    expect(() => parseNpy(swap("'<f8'", "'<i8'"), 'k.npy')).toThrow(/^k\.npy: unsupported dtype '<i8'/);
    expect(() => parseNpy(swap('False', 'True '), 'k.npy')).toThrow(/k\.npy: fortran_order/);
    expect(() => parseNpy(swap("'shape'", "'shapx'"), 'k.npy')).toThrow(/k\.npy: malformed header/);
    expect(() => parseNpy(good.subarray(0, good.length - 8), 'k.npy')).toThrow(/k\.npy: data size/);
    expect(() => parseNpy(new Uint8Array([1, 2, 3]), 'k.npy')).toThrow(/k\.npy: not a \.npy file/);
    for (const fn of [() => parseNpy(swap("'<f8'", "'<i8'"), 'k.npy')]) {
      expect(fn).toThrow(expect.objectContaining({ message: expect.not.stringContaining('\n') }));
    }
  });
});
