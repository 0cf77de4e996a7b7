// Taylor test of a gradient (pyadjoint's taylor_test), the one helper of every lib's gradient tests:
// for smooth J with gradient g at m, the first-order remainder |J(m + eps dm) - J(m) - eps g.dm| is
// O(eps^2), so each halving of eps divides it by 4 and the rates log2(r_k / r_{k+1}) approach 2; a
// wrong gradient gives rate 1. Assert e.g. min(rates) > 1.9, and a wrong gradient's max(rates) < 1.2.
import { tf } from './tf.ts';

export interface TaylorOptions {
  /** Largest step eps_0, in units of the direction. */
  eps0?: number;
  /** Number of halvings of eps (rates returned). */
  halvings?: number;
}

export const TAYLOR_DEFAULTS: Required<TaylorOptions> = {
  /** Suits float64 functionals of order-1 inputs; float32 tensors want larger steps (1/8 .. 1/32). */
  eps0: 1e-2,
  halvings: 4,
};

export interface TaylorResult {
  eps: number[];
  remainders: number[];
  /** log2(r_k / r_{k+1}): one per halving. */
  rates: number[];
}

/** The remainders of J along a line, J(eps) given as `along`, J(0) = j0 and dJ/deps(0) = slope. */
function remaindersAlong(along: (eps: number) => number, j0: number, slope: number, options: TaylorOptions): TaylorResult {
  const { eps0, halvings } = { ...TAYLOR_DEFAULTS, ...options };
  const eps: number[] = [];
  const remainders: number[] = [];
  for (let k = 0; k <= halvings; k++) {
    const e = eps0 / 2 ** k;
    eps.push(e);
    remainders.push(Math.abs(along(e) - j0 - e * slope));
  }
  const rates = remainders.slice(1).map((r, k) => Math.log2(remainders[k] / r));
  return { eps, remainders, rates };
}

/** J(m) returns the value and, at least at the base point, the gradient dJ/dm. */
export type ReducedFunctional = (m: Float64Array) => { value: number; gradient?: ArrayLike<number> };

/** Taylor test of a functional of float64 arrays along dm; J is evaluated halvings + 2 times. */
export function taylorTest(J: ReducedFunctional, m: ArrayLike<number>, dm: ArrayLike<number>, options: TaylorOptions = {}): TaylorResult {
  if (dm.length !== m.length) throw new Error(`taylorTest: m has ${m.length} values, dm ${dm.length}`);
  const base = J(Float64Array.from(m));
  const g = base.gradient;
  if (!g || g.length !== m.length) throw new Error('taylorTest: J(m) must return a gradient of the size of m');
  let slope = 0;
  for (let i = 0; i < m.length; i++) slope += g[i] * dm[i];
  const shifted = new Float64Array(m.length);
  return remaindersAlong(
    (e) => {
      for (let i = 0; i < m.length; i++) shifted[i] = m[i] + e * dm[i];
      return J(shifted).value;
    },
    base.value,
    slope,
    options,
  );
}

function sum64(t: tf.Tensor): number {
  const d = t.dataSync();
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i];
  return s;
}

/**
 * Taylor test of a tensor op's tfjs gradient for J(x) = Σ F(x), along dx (steps x + eps dx taken in
 * the tensors' dtype). F's elements are summed in float64 on the JS side, so float32 rounding of the
 * sum does not swamp the small remainders.
 */
export function tensorTaylorTest(F: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, dx: tf.Tensor, options: TaylorOptions = {}): TaylorResult {
  let result: TaylorResult | undefined;
  // Every tensor made on the way is freed; the result is plain numbers, so it is kept outside tidy.
  tf.tidy(() => {
    const g = tf.grad((v: tf.Tensor) => tf.sum(F(v)))(x);
    result = remaindersAlong((e) => sum64(F(tf.add(x, tf.mul(e, dx)))), sum64(F(x)), sum64(tf.mul(g, dx)), options);
  });
  return result!;
}
