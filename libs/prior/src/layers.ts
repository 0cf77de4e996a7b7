import { convWithBias, groupNormFused, hasGroupNormKernel, tf } from '@ldinv/tensor';
import type { Scope } from './params.ts';

// Building blocks on NHWC tensors, written with tfjs-core ops only so that every
// backend (cpu, wasm, native) runs them and tf.grad differentiates them.

/** 2-D convolution with bias, 'same' padding. */
export function conv(s: Scope, x: tf.Tensor4D, cout: number, k = 3, stride = 1): tf.Tensor4D {
  const cin = x.shape[3];
  const w = s.param('w', [k, k, cin, cout], 'lecun');
  const b = s.param('b', [cout], 'zeros');
  return convWithBias(x, w as tf.Tensor4D, b as tf.Tensor1D, stride, 'same');
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

/**
 * GroupNorm (Wu & He 2018): normalise over (H, W, C/G) per sample and group, then γ, β per channel,
 * then SiLU if `activation` says so. cpu and wasm run libs/tensor's fused kernel (one pass for
 * the statistics, one for the output); other backends (tfjs-node) compose it from tfjs ops.
 */
export function groupNorm(s: Scope, x: tf.Tensor4D, groups: number, activation: 'linear' | 'silu' = 'linear', eps = 1e-5): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const g = groupsFor(c, groups);
  const gamma = s.param('gamma', [c], 'ones');
  const beta = s.param('beta', [c], 'zeros');
  if (hasGroupNormKernel()) return groupNormFused(x, gamma, beta, g, eps, activation);
  const xn = normalizeGroups(tf.reshape(x, [b, h, w, g, c / g]), tf.scalar(eps)) as tf.Tensor5D;
  const y = tf.add(tf.mul(tf.reshape(xn, [b, h, w, c]), gamma), beta) as tf.Tensor4D;
  return activation === 'silu' ? silu(y) : y;
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
  let h = conv(s.child('conv1'), groupNorm(s.child('norm1'), x, groups, 'silu'), cout);
  if (temb) {
    const t = dense(s.child('time'), silu(temb), cout);
    h = tf.add(h, tf.reshape(t, [t.shape[0], 1, 1, cout]));
  }
  h = conv(s.child('conv2'), groupNorm(s.child('norm2'), h, groups, 'silu'), cout);
  const skip = x.shape[3] === cout ? x : conv(s.child('skip'), x, cout, 1);
  return tf.add(skip, h);
}

/**
 * Tap sums of the sub-pixel form of conv3x3(upsample2(x)): output row 2i + a sees input rows
 * {i − 1, i} (a = 0; taps 0 | 1 + 2) or {i, i + 1} (a = 1; taps 0 + 1 | 2), columns alike. Row
 * (2r + s) of PHASE_TAPS[2a + b] maps the 9 taps (k, l) of w onto tap (r, s) of phase (a, b)'s 2x2
 * filter.
 */
const PHASE_TAPS: number[][] = (() => {
  const rows = [[[1, 0, 0], [0, 1, 1]], [[1, 1, 0], [0, 0, 1]]]; // [a][r][k]
  const phases: number[][] = [];
  for (const a of [0, 1]) {
    for (const b of [0, 1]) {
      const m: number[] = [];
      for (const r of [0, 1]) for (const s of [0, 1]) for (let k = 0; k < 3; k++) for (let l = 0; l < 3; l++) m.push(rows[a][r][k] * rows[b][s][l]);
      phases.push(m);
    }
  }
  return phases;
})();

/**
 * conv(s, upsample2(x), cout), same weights, computed as four 2x2 convolutions on x itself, one
 * per output phase (a, b), interleaved: 16 taps instead of 36 per input cell, and no upsampled
 * tensor (nor its gradient) in memory.
 */
export function upsampleConv(s: Scope, x: tf.Tensor4D, cout: number): tf.Tensor4D {
  const [batch, h, w, cin] = x.shape;
  const filter = s.param('w', [3, 3, cin, cout], 'lecun');
  const bias = s.param('b', [cout], 'zeros') as tf.Tensor1D;
  const taps = tf.reshape(filter, [9, cin * cout]);
  const phases = PHASE_TAPS.map((m, phase) => {
    const [a, b] = [phase >> 1, phase & 1];
    const w2 = tf.reshape(tf.matMul(tf.tensor2d(m, [4, 9]), taps), [2, 2, cin, cout]) as tf.Tensor4D;
    const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [1 - a, a], [1 - b, b], [0, 0]];
    return convWithBias(x, w2, bias, 1, pad);
  });
  // [B, H, W, (a, b, c)] -> [B·H, W, a, (b, c)] -> [B·H, a, W, (b, c)] = [B, 2H, 2W, C].
  const stacked = tf.reshape(tf.concat(phases, 3), [batch * h, w, 2, 2 * cout]);
  return tf.reshape(tf.transpose(stacked, [0, 2, 1, 3]), [batch, 2 * h, 2 * w, cout]);
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
