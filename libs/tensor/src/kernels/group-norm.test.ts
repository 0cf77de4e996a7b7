import { describe, expect, it } from 'vitest';
import { tf } from '../tf.ts';
import { normalData, onBackend, relativeError } from './backend-compare.ts';
import { groupNormFused, hasGroupNormKernel, type GroupNormActivation } from './group-norm.ts';

/** GroupNorm + affine (+ SiLU) from tfjs ops (tf.moments and tfjs' own gradients): the reference. */
function composed(x: tf.Tensor4D, gamma: tf.Tensor, beta: tf.Tensor, groups: number, eps: number, activation: GroupNormActivation): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const xg = tf.reshape(x, [b, h, w, groups, c / groups]);
  const { mean, variance } = tf.moments(xg, [1, 2, 4], true);
  const xhat = tf.reshape(tf.div(tf.sub(xg, mean), tf.sqrt(tf.add(variance, eps))), [b, h, w, c]);
  const a = tf.add(tf.mul(xhat, gamma), beta) as tf.Tensor4D;
  return activation === 'silu' ? tf.mul(a, tf.sigmoid(a)) : a;
}

// [b, h, w, c] and groups: the decoder's shapes in miniature, one channel per group, one group;
// 12 and 8 channels take the wasm SIMD path, 6 the JS one. Each with and without SiLU.
const cases = ([
  { shape: [3, 5, 4, 12], groups: 4 },
  { shape: [2, 3, 3, 6], groups: 6 },
  { shape: [1, 4, 4, 8], groups: 1 },
] as { shape: [number, number, number, number]; groups: number }[]).flatMap((c) =>
  (['linear', 'silu'] as const).map((activation) => ({ ...c, activation, name: `${c.shape.join('x')} / ${c.groups} ${activation}` })));

/** Output, and the gradients of <y, probe> w.r.t. x, γ and β. */
function outputs(shape: number[], groups: number, activation: GroupNormActivation, fused: boolean): tf.Tensor[] {
  const c = shape[3];
  // An offset mean and non-unit scale so that the statistics matter.
  const x = tf.add(tf.mul(tf.tensor(normalData(shape, 1), shape), 3), 2) as tf.Tensor4D;
  const gamma = tf.tensor1d(normalData([c], 2));
  const beta = tf.tensor1d(normalData([c], 3));
  const probe = tf.tensor(normalData(shape, 4), shape);
  const op = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) =>
    fused ? groupNormFused(xx as tf.Tensor4D, gg, bb, groups, 1e-5, activation) : composed(xx as tf.Tensor4D, gg, bb, groups, 1e-5, activation);
  return [op(x, gamma, beta), ...tf.grads((xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(op(xx, gg, bb), probe)))([x, gamma, beta])];
}

describe('fused GroupNorm kernel', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it.each(cases.map((c) => [c.name, c] as const))(
      `equals the composed op and its gradients on ${backend}: %s`,
      async (_, c) => {
        const ref = await onBackend(backend, () => outputs(c.shape, c.groups, c.activation, false));
        const got = await onBackend(backend, () => {
          expect(hasGroupNormKernel()).toBe(true);
          return outputs(c.shape, c.groups, c.activation, true);
        });
        const errors = got.map((g, i) => relativeError(g, ref[i]));
        // y, dx, dγ, dβ: float32 roundoff of the composed reference (and of the SIMD exp, ~2e-7).
        for (const e of errors) expect(e).toBeLessThan(2e-5);
      },
    );
  }

  it('rejects a group count that does not divide the channels', async () => {
    await onBackend('cpu', () => tf.scalar(0));
    const x = tf.zeros([1, 2, 2, 6]);
    expect(() => groupNormFused(x, tf.ones([6]), tf.zeros([6]), 4, 1e-5)).toThrow(/4 groups must divide the last axis of a tensor of shape \[1,2,2,6\]/);
    tf.dispose(x);
  });
});
