// The PINN's networks: fully connected tanh MLPs on the unit square, (x, y) -> outputs. Parameters
// live in one flat Float32Array per network (so the shared Adam of adam.ts updates them like any
// other parameter vector) and are sliced into layers inside the tape, so tf.grads with respect to
// the flat tensor gives the flat gradient. tanh is smooth, so the second derivatives in x that the
// PDE residual needs exist. mlpJet carries them forward through the layers (forward-mode
// "forward Laplacian", Li et al. 2023): one matmul per layer for value, ∇ and Δ of every output,
// where reverse-mode nesting (pde-residual.ts fieldJet) needs 3 passes per output, each through the
// whole network — about 30x more tfjs ops for 4 tests. tf.grads then differentiates the jet in θ
// (tanh's input-saving gradient of libs/tensor's higher-order-gradients.ts keeps that connected).
import { tf, type Rng } from '@ldinv/tensor';
import type { Jet } from '../objectives/pde-residual.ts';

export interface MlpShape {
  /** Input coordinates (2: x, y). */
  inputs: number;
  /** Units per hidden layer. */
  width: number;
  /** Hidden layers (>= 1). */
  depth: number;
  outputs: number;
}

/** Layer sizes: inputs -> width (depth times) -> outputs. */
function layerSizes(s: MlpShape): number[] {
  return [s.inputs, ...Array.from({ length: s.depth }, () => s.width), s.outputs];
}

/** Number of weights and biases. */
export function mlpSize(s: MlpShape): number {
  const sizes = layerSizes(s);
  let n = 0;
  for (let l = 0; l + 1 < sizes.length; l++) n += (sizes[l] + 1) * sizes[l + 1];
  return n;
}

/**
 * Glorot-normal weights (std √(2/(fan_in + fan_out)), Glorot & Bengio 2010: keeps tanh units out of
 * saturation at the start), zero biases; the output layer's weights are scaled by outputScale so a
 * fresh network starts near its output bias (a near-constant field).
 */
export function initMlp(s: MlpShape, rng: Rng, outputScale = 1): Float32Array {
  const sizes = layerSizes(s);
  const params = new Float32Array(mlpSize(s));
  let k = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [fanIn, fanOut] = [sizes[l], sizes[l + 1]];
    const std = Math.sqrt(2 / (fanIn + fanOut)) * (l + 2 === sizes.length ? outputScale : 1);
    for (let i = 0; i < fanIn * fanOut; i++) params[k++] = std * rng.normal();
    k += fanOut; // biases stay 0
  }
  return params;
}

/**
 * The network as a function of its points, for fixed parameters: (x [N, 2] in the unit square) ->
 * [N, outputs]. Inputs are mapped to [−1, 1]², where tanh units initialised as above are active.
 */
export function mlp(s: MlpShape, params: tf.Tensor1D): (x: tf.Tensor2D) => tf.Tensor2D {
  const layers = layersOf(s, params);
  return (x) => {
    let a: tf.Tensor2D = tf.sub(tf.mul(x, 2), 1);
    layers.forEach(({ W, b }, l) => {
      const z = tf.add(tf.matMul(a, W), b) as tf.Tensor2D;
      a = l + 1 === layers.length ? z : tf.tanh(z);
    });
    return a;
  };
}

function layersOf(s: MlpShape, params: tf.Tensor1D): { W: tf.Tensor2D; b: tf.Tensor1D }[] {
  if (params.size !== mlpSize(s)) throw new Error(`mlp: expected ${mlpSize(s)} parameters, got ${params.size}`);
  const sizes = layerSizes(s);
  let k = 0;
  return sizes.slice(1).map((fanOut, l) => {
    const fanIn = sizes[l];
    const W = tf.reshape(tf.slice(params, k, fanIn * fanOut), [fanIn, fanOut]) as tf.Tensor2D;
    const b = tf.slice(params, k + fanIn * fanOut, fanOut);
    k += (fanIn + 1) * fanOut;
    return { W, b };
  });
}

/**
 * Value, ∂/∂x, ∂/∂y and Δ of every output at the points x [N, 2] (inputs must be 2: x, y); with
 * `separate`, also ∂²/∂x² (for operators that weight x and y differently, a site's cells). Per hidden
 * layer, with z = aW + b (derivatives: z' = a'W) and t = tanh z, t' = 1 − t²:
 *   ∂(t) = t' ∂z,   Δ(t) = t' Δz − 2 t t' |∇z|²,   ∂²_x(t) = t' ∂²_x z − 2 t t' (∂_x z)²
 * (chain rule twice; −2 t t' = tanh'').
 */
export function mlpJet(s: MlpShape, params: tf.Tensor1D, x: tf.Tensor2D, separate = false): Jet {
  if (s.inputs !== 2) throw new Error(`mlpJet: needs 2 inputs (x, y), got ${s.inputs}`);
  const layers = layersOf(s, params);
  const N = x.shape[0];
  // Input features 2x − 1, 2y − 1: ∇ = (2, 0) and (0, 2), Δ = 0.
  let a: tf.Tensor2D = tf.sub(tf.mul(x, 2), 1);
  let ax: tf.Tensor2D = tf.tile(tf.tensor2d([[2, 0]]), [N, 1]);
  let ay: tf.Tensor2D = tf.tile(tf.tensor2d([[0, 2]]), [N, 1]);
  let lap: tf.Tensor2D = tf.zeros([N, 2]);
  let axx: tf.Tensor2D = tf.zeros([N, 2]);
  for (let l = 0; l < layers.length; l++) {
    const { W, b } = layers[l];
    // One matmul for the stacked row blocks (the derivative rows get no bias).
    const blocks = tf.split(tf.matMul(tf.concat(separate ? [a, ax, ay, lap, axx] : [a, ax, ay, lap], 0), W), separate ? 5 : 4, 0) as tf.Tensor2D[];
    const [z0, zx, zy, zl] = blocks;
    const z = tf.add(z0, b) as tf.Tensor2D;
    if (l + 1 === layers.length) return { value: z, dx: zx, dy: zy, lap: zl, ...(separate ? { dxx: blocks[4] } : {}) };
    const t = tf.tanh(z);
    const dt = tf.sub(1, tf.square(t));
    const curvature = tf.mul(tf.mul(2, t), dt);
    a = t;
    ax = tf.mul(dt, zx);
    ay = tf.mul(dt, zy);
    lap = tf.sub(tf.mul(dt, zl), tf.mul(curvature, tf.add(tf.square(zx), tf.square(zy))));
    if (separate) axx = tf.sub(tf.mul(dt, blocks[4]), tf.mul(curvature, tf.square(zx)));
  }
  throw new Error('mlpJet: a network has at least one layer');
}
