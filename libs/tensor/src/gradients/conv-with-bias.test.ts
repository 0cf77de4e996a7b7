import { describe, expect, it } from 'vitest';
import { normalData, onBackend, relativeError } from '../kernels/backend-compare.ts';
import { tf } from '../tf.ts';
import { convWithBias, type ConvPadding } from './conv-with-bias.ts';

const cases: { name: string; stride: number; pad: ConvPadding }[] = [
  { name: 'stride 1, same', stride: 1, pad: 'same' },
  { name: 'stride 2, same', stride: 2, pad: 'same' },
  { name: 'explicit asymmetric pads', stride: 1, pad: [[0, 0], [1, 0], [0, 1], [0, 0]] },
];

/** The value and the gradients of <conv, probe> w.r.t. x, filter and bias. */
function outputs(c: (typeof cases)[number], f: (x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D) => tf.Tensor4D): tf.Tensor[] {
  const x = tf.tensor4d(normalData([2, 6, 5, 3], 1), [2, 6, 5, 3]);
  const w = tf.tensor4d(normalData([3, 3, 3, 4], 2), [3, 3, 3, 4]);
  const b = tf.tensor1d(normalData([4], 3));
  const y = f(x, w, b);
  const probe = tf.tensor(normalData(y.shape, 4), y.shape);
  const loss = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(f(xx as tf.Tensor4D, ww as tf.Tensor4D, bb as tf.Tensor1D), probe));
  return [y, ...tf.grads(loss)([x, w, b])];
}

describe('convWithBias', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it.each(cases.map((c) => [c.name, c] as const))(`equals conv2d + bias with its gradients on ${backend}: %s`, async (_, c) => {
      const ref = await onBackend(backend, () => outputs(c, (x, w, b) => tf.add(tf.conv2d(x, w, c.stride, c.pad), b)));
      const got = await onBackend(backend, () => outputs(c, (x, w, b) => convWithBias(x, w, b, c.stride, c.pad)));
      for (let i = 0; i < ref.length; i++) expect(relativeError(got[i], ref[i])).toBeLessThan(1e-5);
    });
  }

  it('computes only the input gradient when only the input is differentiated', async () => {
    await onBackend('wasm', () => tf.scalar(0));
    const w = tf.tensor4d(normalData([3, 3, 3, 4], 2), [3, 3, 3, 4]);
    const b = tf.tensor1d(normalData([4], 3));
    const x = tf.tensor4d(normalData([2, 6, 5, 3], 1), [2, 6, 5, 3]);
    const info = await tf.profile(() => tf.grad((v: tf.Tensor) => tf.sum(convWithBias(v as tf.Tensor4D, w, b, 1, 'same')))(x));
    const kernels = info.kernels.map((k) => k.name);
    expect(kernels).toContain('Conv2DBackpropInput');
    expect(kernels).not.toContain('Conv2DBackpropFilter');
    tf.dispose([w, b, x]);
  });
});
