import { describe, expect, it } from 'vitest';
import { tf } from '../tf.ts';
import { normalData, onBackend, wasmVsCpu } from './backend-compare.ts';

// [in h, in w] -> [out h, out w]: integer upscale (the VAE's), non-integer, downscale, identity.
const sizes: [number[], number[]][] = [
  [[4, 5], [8, 10]],
  [[4, 5], [8, 7]],
  [[8, 8], [5, 5]],
  [[4, 4], [4, 4]],
];
const modes = [
  { alignCorners: false, halfPixelCenters: false },
  { alignCorners: true, halfPixelCenters: false },
  { alignCorners: false, halfPixelCenters: true },
];
const cases = sizes.flatMap(([from, to]) =>
  modes.map((m) => ({ name: `${from.join('x')}->${to.join('x')} ${JSON.stringify(m)}`, from, to, ...m })),
);

/** Adjoint identity <R x, p> = <x, R^T p>: both sides and the float32 scale of the sums, sum |R x . p|. */
function adjointSides(c: (typeof cases)[number], x: tf.Tensor, probe: tf.Tensor): tf.Tensor[] {
  const fwd = (v: tf.Tensor) => tf.image.resizeNearestNeighbor(v as tf.Tensor4D, c.to as [number, number], c.alignCorners, c.halfPixelCenters);
  const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(fwd(v), probe)))(x);
  return [tf.sum(tf.mul(fwd(x), probe)), tf.sum(tf.mul(x, g)), tf.sum(tf.abs(tf.mul(fwd(x), probe)))];
}

describe('ResizeNearestNeighborGrad (batch 2)', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it.each(cases.map((c) => [c.name, c] as const))(`is the adjoint of the forward on ${backend}: %s`, async (_, c) => {
      const [lhs, rhs, scale] = await onBackend(backend, () =>
        adjointSides(c, tf.tensor(normalData([2, ...c.from, 3], 1), [2, ...c.from, 3]), tf.tensor(normalData([2, ...c.to, 3], 2), [2, ...c.to, 3])),
      );
      // tfjs 4.22's cpu kernel misses by O(1) of the scale at batch 2; roundoff is ~1e-7.
      expect(Math.abs(lhs[0] - rhs[0]) / scale[0]).toBeLessThan(1e-6);
    });
  }

  it.each(cases.map((c) => [c.name, c] as const))('wasm equals cpu: %s', async (_, c) => {
    const [err] = await wasmVsCpu(() =>
      tf.grad((v: tf.Tensor) =>
        tf.sum(tf.mul(tf.image.resizeNearestNeighbor(v as tf.Tensor4D, c.to as [number, number], c.alignCorners, c.halfPixelCenters), tf.tensor(normalData([2, ...c.to, 3], 2), [2, ...c.to, 3]))),
      )(tf.tensor(normalData([2, ...c.from, 3], 1), [2, ...c.from, 3])),
    );
    expect(err).toBeLessThan(1e-5);
  });
});
