// NumPy .npy (format 1.0/2.0/3.0) for the float fields users exchange with ldinv.
// Spec: numpy.lib.format — magic, version, little-endian header length, a Python
// dict literal header padded to 64 bytes, then the raw data in C or Fortran order.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '@ldinv/tensor';

export type NpyDtype = '<f4' | '<f8';

/** Integer and boolean types (masks written by NumPy: `mask.astype(int)`, a bool array) read as float64. */
const INTEGER_TYPES: Record<string, { size: number; read: (v: DataView, at: number) => number }> = {
  '|b1': { size: 1, read: (v, at) => v.getUint8(at) },
  '|u1': { size: 1, read: (v, at) => v.getUint8(at) },
  '|i1': { size: 1, read: (v, at) => v.getInt8(at) },
  '<u2': { size: 2, read: (v, at) => v.getUint16(at, true) },
  '<i2': { size: 2, read: (v, at) => v.getInt16(at, true) },
  '<u4': { size: 4, read: (v, at) => v.getUint32(at, true) },
  '<i4': { size: 4, read: (v, at) => v.getInt32(at, true) },
  '<u8': { size: 8, read: (v, at) => Number(v.getBigUint64(at, true)) },
  '<i8': { size: 8, read: (v, at) => Number(v.getBigInt64(at, true)) },
};

export interface NpyArray {
  shape: number[];
  /** Type of `data`: integer and bool files come back as <f8. */
  dtype: NpyDtype;
  /** Row-major (C order) whatever the file's order. */
  data: Float32Array | Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export class NpyError extends Error {
  override name = 'NpyError';
}

export function parseNpy(bytes: Uint8Array, source = '<buffer>'): NpyArray {
  const fail = (what: string): never => {
    throw new NpyError(`${source}: ${what}`);
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail('not a .npy file (bad magic string)');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let headerStart: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) fail('malformed header (truncated length field)');
    headerLen = view.getUint32(8, true);
    headerStart = 12;
  } else {
    return fail(`unsupported .npy format version ${major}`);
  }
  if (headerStart + headerLen > bytes.length) fail('malformed header (header longer than file)');
  const header = new TextDecoder('latin1').decode(bytes.subarray(headerStart, headerStart + headerLen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    fail(`malformed header, expected descr, fortran_order and shape, got ${JSON.stringify(header.trim())}`);
  }
  const integer = INTEGER_TYPES[descr!];
  if (descr !== '<f4' && descr !== '<f8' && !integer) {
    fail(`unsupported dtype '${descr}', expected '<f4' or '<f8' (or an integer or bool type for masks)`);
  }
  const shape = shapeText!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const n = Number(s);
      if (!Number.isInteger(n) || n < 0) fail(`malformed shape (${shapeText})`);
      return n;
    });
  const count = shape.reduce((a, b) => a * b, 1);
  const itemSize = integer ? integer.size : descr === '<f4' ? 4 : 8;
  const dataStart = headerStart + headerLen;
  if (bytes.length - dataStart !== count * itemSize) {
    fail(`data size ${bytes.length - dataStart} bytes does not match shape [${shape}] of ${descr} (${count * itemSize} bytes)`);
  }
  // Copy so the result is aligned and owns its memory (Buffer#slice would share the file's memory, header
  // included, so a typed array over its .buffer would start at the magic string).
  const raw = new Uint8Array(bytes.subarray(dataStart, dataStart + count * itemSize));
  let data: Float32Array | Float64Array;
  if (integer) {
    const v = new DataView(raw.buffer);
    data = Float64Array.from({ length: count }, (_, k) => integer.read(v, k * itemSize));
  } else {
    data = descr === '<f4' ? new Float32Array(raw.buffer) : new Float64Array(raw.buffer);
  }
  return { shape, dtype: integer ? '<f8' : (descr as NpyDtype), data: fortran === 'True' ? fortranToC(data, shape) : data };
}

/**
 * The row-major copy of values stored column-major (Fortran order, the first index varying fastest),
 * which is how NumPy saves a transposed array.
 */
function fortranToC<T extends Float32Array | Float64Array>(data: T, shape: readonly number[]): T {
  const out = (data instanceof Float32Array ? new Float32Array(data.length) : new Float64Array(data.length)) as T;
  const strides = shape.map((_, k) => shape.slice(0, k).reduce((a, b) => a * b, 1));
  const index = shape.map(() => 0);
  // Walk the C-order positions, carrying the multi-index and its Fortran offset `from` along.
  let from = 0;
  for (let to = 0; to < out.length; to++) {
    out[to] = data[from];
    for (let k = shape.length - 1; k >= 0; k--) {
      if (++index[k] < shape[k]) {
        from += strides[k];
        break;
      }
      from -= (shape[k] - 1) * strides[k];
      index[k] = 0;
    }
  }
  return out;
}

export function encodeNpy(data: Float32Array | Float64Array, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new NpyError(`shape [${shape}] holds ${count} values, got ${data.length}`);
  const descr: NpyDtype = data instanceof Float32Array ? '<f4' : '<f8';
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // Pad with spaces so that magic + version + length + header + '\n' is a multiple of 64.
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

/** The bytes of a file, or an NpyError naming it. */
export function readNpyBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new NpyError(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

export function readNpy(path: string): NpyArray {
  return parseNpy(readNpyBytes(path), path);
}

export function writeNpy(path: string, data: Float32Array | Float64Array, shape: readonly number[]): void {
  writeFileAtomic(path, encodeNpy(data, shape));
}

/** Reads a 2-D field `[ny, nx]` (either order on disk) and returns it row-major as float64. */
export function readField(path: string, what = 'field'): { ny: number; nx: number; data: Float64Array } {
  const arr = readNpy(path);
  if (arr.shape.length !== 2) {
    throw new NpyError(`${path}: ${what} must have shape [ny, nx], got [${arr.shape}]`);
  }
  const [ny, nx] = arr.shape;
  return { ny, nx, data: Float64Array.from(arr.data) };
}
