import { tf } from '@ldinv/tensor';

function sum64(t: tf.Tensor): number {
  const d = t.dataSync();
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i];
  return s;
}

/**
 * Taylor test of a gradient (as pyadjoint's taylor_test) for J(x) = Σ F(x): the remainder
 * r(h) = |J(x + h dx) − J(x) − h <∇J(x), dx>| shrinks as h² when ∇J is right, as h when
 * it is wrong. Returns the observed rates log2(r(h_k)/r(h_k/2)) for k = 0..halvings−1.
 * F's elements are summed in float64 on the JS side, so float32 rounding of the sum does
 * not swamp the small remainders.
 */
export function taylorRates(
  F: (x: tf.Tensor) => tf.Tensor,
  x: tf.Tensor,
  dx: tf.Tensor,
  opts: { h0?: number; halvings?: number } = {},
): number[] {
  const h0 = opts.h0 ?? 0.125;
  const halvings = opts.halvings ?? 4;
  return tf.tidy(() => {
    const j0 = sum64(F(x));
    const g = tf.grad((v: tf.Tensor) => tf.sum(F(v)))(x);
    const slope = sum64(tf.mul(g, dx));
    const rem: number[] = [];
    for (let k = 0; k <= halvings; k++) {
      const h = h0 / 2 ** k;
      rem.push(Math.abs(sum64(F(tf.add(x, tf.mul(h, dx)))) - j0 - h * slope));
    }
    return rem.slice(1).map((r, k) => Math.log2(rem[k] / r));
  });
}
