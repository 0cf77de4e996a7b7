// msgpackr with typed arrays kept binary (moreTypes) and plain maps (no records): the one encoding of
// member files, queue job payloads and queue results, so no number is ever printed and parsed back.
// Decoding builds data only (objects, arrays, strings, numbers, typed arrays): nothing in it executes.
import { Packr } from 'msgpackr';

const packr = new Packr({ useRecords: false, moreTypes: true });

export function packBinary(value: unknown): Uint8Array {
  // pack() returns a view into a buffer it reuses on the next call: copy before anyone keeps it.
  return new Uint8Array(packr.pack(value));
}

export function unpackBinary(bytes: Uint8Array): unknown {
  return packr.unpack(bytes);
}
