// Test support: run the same computation on the cpu backend (the reference) and on wasm (our
// kernels) from identical seeded inputs, and measure how far apart the results are.
import { initBackend } from '../backend.ts';
import { createRng } from '../random.ts';
import { tf } from '../tf.ts';

export type CompareBackend = 'cpu' | 'wasm';

/** Seeded standard-normal values of `shape` (plain data, so each backend builds its own tensor). */
export function normalData(shape: number[], seed: number): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) out[i] = rng.normal();
  return out;
}

/** Runs `fn` on `backend` and returns its outputs' values; tensors are freed. */
export async function onBackend(backend: CompareBackend, fn: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await initBackend({ backend });
  const outs = tf.tidy(fn);
  const list = Array.isArray(outs) ? outs : [outs];
  const values = await Promise.all(list.map(async (t) => Float32Array.from((await t.data()) as Float32Array)));
  tf.dispose(list);
  return values;
}

/** max |got - ref| / max |ref|: the error relative to the output's scale. */
export function relativeError(got: ArrayLike<number>, ref: ArrayLike<number>): number {
  if (got.length !== ref.length) throw new Error(`length ${got.length} != reference length ${ref.length}`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < ref.length; i++) {
    num = Math.max(num, Math.abs(got[i] - ref[i]));
    den = Math.max(den, Math.abs(ref[i]));
  }
  return den === 0 ? num : num / den;
}

/** Per-output relative error of wasm against cpu. */
export async function wasmVsCpu(fn: () => tf.Tensor | tf.Tensor[]): Promise<number[]> {
  const ref = await onBackend('cpu', fn);
  const got = await onBackend('wasm', fn);
  if (got.length !== ref.length) throw new Error(`wasm gave ${got.length} outputs, cpu ${ref.length}`);
  return got.map((g, i) => relativeError(g, ref[i]));
}

/** Number of data buffers the active backend holds (to catch leaked intermediates). */
export function backendBuffers(): number {
  return (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
}
