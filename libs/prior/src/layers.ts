import { tf } from '@ldinv/tensor';
import type { Scope } from './params.ts';

// Building blocks on NHWC tensors, written with tfjs-core ops only so that every
// backend (cpu, wasm, native) runs them and tf.grad differentiates them.

/** 2-D convolution with bias, 'same' padding. */
export function conv(s: Scope, x: tf.Tensor4D, cout: number, k = 3, stride = 1): tf.Tensor4D {
  const cin = x.shape[3];
  const w = s.param('w', [k, k, cin, cout], 'lecun');
  const b = s.param('b', [cout], 'zeros');
  return tf.add(tf.conv2d(x, w as tf.Tensor4D, stride, 'same'), b);
}

/** Fully connected layer on [B, n]. */
export function dense(s: Scope, x: tf.Tensor2D, nout: number): tf.Tensor2D {
  const w = s.param('w', [x.shape[1], nout], 'lecun');
  const b = s.param('b', [nout], 'zeros');
  return tf.add(tf.matMul(x, w as tf.Tensor2D), b);
}

/** Largest group count <= wanted that divides c. */
export function groupsFor(c: number, wanted: number): number {
  let g = Math.min(wanted, c);
  while (c % g !== 0) g--;
  return g;
}

/**
 * x̂ = (x − μ_g)/√(σ²_g + ε) per sample and group of xg [B, H, W, G, C/G], with the
 * closed-form gradient dx = (g − mean(g) − x̂ mean(g x̂))/√(σ²_g + ε) (means over the
 * group). tfjs' own gradient of tf.moments builds full-size ones tensors on the JS side
 * and several copies; this one is a handful of kernels.
 */
const normalizeGroups = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const xg = args[0] as tf.Tensor5D;
  const eps = (args[1] as tf.Tensor).dataSync()[0];
  const save = args[2] as tf.GradSaveFunc;
  const axes = [1, 2, 4];
  const mean = tf.mean(xg, axes, true);
  const centred = tf.sub(xg, mean);
  const inv = tf.rsqrt(tf.add(tf.mean(tf.square(centred), axes, true), eps));
  const xhat = tf.mul(centred, inv);
  save([xhat, inv]);
  return {
    value: xhat,
    gradFunc: (dy: tf.Tensor | tf.Tensor[], [xh, iv]: tf.Tensor[]) => {
      const g = dy as tf.Tensor;
      const dx = tf.mul(tf.sub(tf.sub(g, tf.mean(g, axes, true)), tf.mul(xh, tf.mean(tf.mul(g, xh), axes, true))), iv);
      return [dx, tf.zeros([])];
    },
  };
});

/** GroupNorm (Wu & He 2018): normalise over (H, W, C/G) per sample and group. */
export function groupNorm(s: Scope, x: tf.Tensor4D, groups: number, eps = 1e-5): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const g = groupsFor(c, groups);
  const gamma = s.param('gamma', [c], 'ones');
  const beta = s.param('beta', [c], 'zeros');
  const xn = normalizeGroups(tf.reshape(x, [b, h, w, g, c / g]), tf.scalar(eps)) as tf.Tensor5D;
  return tf.add(tf.mul(tf.reshape(xn, [b, h, w, c]), gamma), beta);
}

/** SiLU / swish: x sigmoid(x). */
export function silu<T extends tf.Tensor>(x: T): T {
  return tf.mul(x, tf.sigmoid(x));
}

/**
 * Residual block GN-SiLU-conv-(+time)-GN-SiLU-conv with a 1x1 conv on the skip path when
 * the channel count changes (the DDPM / LDM block).
 */
export function resBlock(
  s: Scope,
  x: tf.Tensor4D,
  cout: number,
  groups: number,
  temb?: tf.Tensor2D,
): tf.Tensor4D {
  let h = conv(s.child('conv1'), silu(groupNorm(s.child('norm1'), x, groups)), cout);
  if (temb) {
    const t = dense(s.child('time'), silu(temb), cout);
    h = tf.add(h, tf.reshape(t, [t.shape[0], 1, 1, cout]));
  }
  h = conv(s.child('conv2'), silu(groupNorm(s.child('norm2'), h, groups)), cout);
  const skip = x.shape[3] === cout ? x : conv(s.child('skip'), x, cout, 1);
  return tf.add(skip, h);
}

/** Nearest-neighbour upsampling by 2 (exact duplication of each cell). */
export function upsample2(x: tf.Tensor4D): tf.Tensor4D {
  const [, h, w] = x.shape;
  return tf.image.resizeNearestNeighbor(x, [2 * h, 2 * w]);
}

/** [B, H, W] -> [B, H/r, W/r, r*r]: each r x r block of cells becomes r*r channels. */
export function pixelUnshuffle(x: tf.Tensor3D, r: number): tf.Tensor4D {
  const [b, h, w] = x.shape;
  const blocks = tf.reshape(x, [b, h / r, r, w / r, r]);
  return tf.reshape(tf.transpose(blocks, [0, 1, 3, 2, 4]), [b, h / r, w / r, r * r]);
}

/** [B, H, W, r*r] -> [B, H*r, W*r], the inverse of pixelUnshuffle (sub-pixel convolution). */
export function pixelShuffle(x: tf.Tensor4D, r: number): tf.Tensor3D {
  const [b, h, w] = x.shape;
  const blocks = tf.reshape(x, [b, h, w, r, r]);
  return tf.reshape(tf.transpose(blocks, [0, 1, 3, 2, 4]), [b, h * r, w * r]);
}

/**
 * Sinusoidal embedding of integer timesteps (Vaswani et al. 2017, as in DDPM):
 * [sin(t w_k), cos(t w_k)], w_k = 10000^(-k/(d/2)).
 */
export function timestepEmbedding(t: tf.Tensor1D, dim: number): tf.Tensor2D {
  const half = dim / 2;
  const freqs = new Float32Array(half);
  for (let k = 0; k < half; k++) freqs[k] = Math.exp((-Math.log(10000) * k) / half);
  const args = tf.mul(tf.reshape(tf.cast(t, 'float32'), [-1, 1]), tf.tensor2d(freqs, [1, half]));
  return tf.concat([tf.sin(args), tf.cos(args)], 1) as tf.Tensor2D;
}
