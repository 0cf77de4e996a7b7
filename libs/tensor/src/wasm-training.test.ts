// The networks the project trains and inverts (DESIGN "Prior", "Inversion"), differentiated on wasm
// with our kernels, must give the cpu backend's gradients: a conv net, a VAE-style decoder block
// (GroupNorm + SiLU, nearest upsampling, conv2dTranspose, stride-2 conv), a PINN (tanh MLP, PDE
// residual by nested tf.grad, then gradient of the residual loss), and Adam steps.
import { describe, expect, it } from 'vitest';
import { normalData, wasmVsCpu } from './kernels/backend-compare.ts';
import { tf } from './tf.ts';

const T = (shape: number[], seed: number, scale = 1) => tf.mul(tf.tensor(normalData(shape, seed), shape), scale);

function groupNorm(x: tf.Tensor4D, groups: number, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const g = tf.reshape(x, [n, h, w, groups, c / groups]);
  const { mean, variance } = tf.moments(g, [1, 2, 4], true);
  const normed = tf.reshape(tf.div(tf.sub(g, mean), tf.sqrt(tf.add(variance, 1e-5))), [n, h, w, c]);
  return tf.add(tf.mul(normed, gamma), beta) as tf.Tensor4D;
}

const silu = (x: tf.Tensor) => tf.mul(x, tf.sigmoid(x));

describe('training on wasm matches cpu', () => {
  it('tf.grad through a small conv net (3x3 same, stride-2 valid, fused 1x1 + bias + relu) to 1e-4', async () => {
    const errs = await wasmVsCpu(() => {
      const x = T([2, 9, 9, 3], 1) as tf.Tensor4D;
      const ws = [T([3, 3, 3, 8], 2, 0.3), T([3, 3, 8, 8], 3, 0.2), T([1, 1, 8, 4], 4, 0.3), T([4], 5, 0.1)];
      const f = (w1: tf.Tensor, w2: tf.Tensor, w3: tf.Tensor, bias: tf.Tensor) => {
        const a = tf.relu(tf.conv2d(x, w1 as tf.Tensor4D, 1, 'same'));
        const b = tf.relu(tf.conv2d(a, w2 as tf.Tensor4D, 2, 'valid'));
        const c = tf.fused.conv2d({ x: b, filter: w3 as tf.Tensor4D, strides: 1, pad: 'same', bias, activation: 'relu' });
        return tf.sum(tf.square(c));
      };
      return tf.grads(f as (...a: tf.Tensor[]) => tf.Tensor)(ws);
    });
    expect(errs).toHaveLength(4);
    for (const e of errs) expect(e).toBeLessThan(1e-4);
  });

  it('tf.grads through a VAE decoder block (GroupNorm, SiLU, upsampling, conv2dTranspose, stride-2) to 1e-4', async () => {
    const errs = await wasmVsCpu(() => {
      const z = T([2, 4, 4, 4], 10);
      const params = [
        T([3, 3, 4, 16], 11, 0.2), // conv in
        T([16], 12, 0.1).add(1), // gamma
        T([16], 13, 0.1), // beta
        T([3, 3, 16, 16], 14, 0.1), // conv after nearest upsample
        T([4, 4, 8, 16], 15, 0.1), // conv2dTranspose 16 -> 8, stride 2
        T([3, 3, 8, 1], 16, 0.2), // stride-2 conv to the output
      ];
      const f = (zz: tf.Tensor, w0: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, w1: tf.Tensor, wt: tf.Tensor, w2: tf.Tensor) => {
        let h = tf.conv2d(zz as tf.Tensor4D, w0 as tf.Tensor4D, 1, 'same');
        h = silu(groupNorm(h, 4, gamma, beta)) as tf.Tensor4D;
        h = tf.image.resizeNearestNeighbor(h, [8, 8]);
        h = tf.conv2d(h, w1 as tf.Tensor4D, 1, 'same');
        h = tf.conv2dTranspose(silu(h) as tf.Tensor4D, wt as tf.Tensor4D, [2, 16, 16, 8], 2, 'same');
        const y = tf.conv2d(h, w2 as tf.Tensor4D, 2, 'same');
        return tf.mean(tf.square(tf.sub(y, 0.5)));
      };
      return tf.grads(f as (...a: tf.Tensor[]) => tf.Tensor)([z, ...params]);
    });
    expect(errs).toHaveLength(7);
    for (const e of errs) expect(e).toBeLessThan(1e-4);
  });

  it('PINN: gradient of a Laplacian residual (second derivatives by nested tf.grad) to 1e-4', async () => {
    const errs = await wasmVsCpu(() => {
      const pts = tf.mul(tf.add(T([16, 2], 20), 0), 0.5);
      const ws = [T([2, 16], 21, 0.7), T([16], 22, 0.1), T([16, 16], 23, 0.3), T([16], 24, 0.1), T([16, 1], 25, 0.3)];
      const u = (p: tf.Tensor, [w1, b1, w2, b2, w3]: tf.Tensor[]) =>
        tf.matMul(tf.tanh(tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(p, w1), b1)), w2), b2)), w3);
      // Points are independent, so d(sum u)/dp row i is grad u(p_i); likewise for second derivatives.
      const laplacian = (p: tf.Tensor, w: tf.Tensor[]) => {
        const du = (q: tf.Tensor) => tf.grad((r: tf.Tensor) => tf.sum(u(r, w)))(q);
        const d2x = tf.grad((q: tf.Tensor) => tf.sum(tf.slice(du(q), [0, 0], [-1, 1])))(p);
        const d2y = tf.grad((q: tf.Tensor) => tf.sum(tf.slice(du(q), [0, 1], [-1, 1])))(p);
        return tf.add(tf.slice(d2x, [0, 0], [-1, 1]), tf.slice(d2y, [0, 1], [-1, 1]));
      };
      const loss = (...w: tf.Tensor[]) => tf.mean(tf.square(tf.add(laplacian(pts, w), 1)));
      return tf.grads(loss)(ws);
    });
    expect(errs).toHaveLength(5);
    for (const e of errs) expect(e).toBeLessThan(1e-4);
  });

  it('20 Adam steps on a conv regression end at the same weights to 1e-4', async () => {
    const errs = await wasmVsCpu(() => {
      const x = T([4, 8, 8, 2], 30) as tf.Tensor4D;
      const target = T([4, 4, 4, 3], 31);
      const w = tf.variable(T([3, 3, 2, 3], 32, 0.3));
      const opt = tf.train.adam(0.01);
      for (let i = 0; i < 20; i++) opt.minimize(() => tf.mean(tf.square(tf.sub(tf.conv2d(x, w as tf.Variable<tf.Rank.R4>, 2, 'same'), target))) as tf.Scalar);
      opt.dispose();
      const out = w.clone();
      w.dispose();
      return out;
    });
    expect(errs[0]).toBeLessThan(1e-4);
  });
});
