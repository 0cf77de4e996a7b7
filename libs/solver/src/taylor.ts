// Taylor test of a gradient (pyadjoint's taylor_test): for smooth J with gradient g at m, the
// first-order remainder |J(m + eps dm) - J(m) - eps g.dm| = O(eps^2), so each halving of eps
// divides it by 4 and the rates log2(r_k / r_{k+1}) approach 2; a wrong gradient gives rate 1.

export interface TaylorOptions {
  /** Largest step eps_0, in units of dm. Default 1e-2. */
  eps0?: number;
  /** Number of halvings of eps (rates returned). Default 4. */
  halvings?: number;
}

export interface TaylorResult {
  eps: number[];
  remainders: number[];
  /** log2(r_k / r_{k+1}): one per halving. */
  rates: number[];
}

/** J(m) returns the value and, at least at the base point, the gradient dJ/dm. */
export type ReducedFunctional = (m: Float64Array) => { value: number; gradient?: ArrayLike<number> };

/** Runs the test along dm; J is evaluated halvings + 2 times. Assert e.g. min(rates) > 1.9. */
export function taylorTest(
  J: ReducedFunctional, m: ArrayLike<number>, dm: ArrayLike<number>, options: TaylorOptions = {},
): TaylorResult {
  const eps0 = options.eps0 ?? 1e-2;
  const halvings = options.halvings ?? 4;
  if (dm.length !== m.length) throw new Error(`taylorTest: m has ${m.length} values, dm ${dm.length}`);
  const base = J(Float64Array.from(m));
  const g = base.gradient;
  if (!g || g.length !== m.length) throw new Error('taylorTest: J(m) must return a gradient of the size of m');
  let slope = 0;
  for (let i = 0; i < m.length; i++) slope += g[i] * dm[i];
  const eps: number[] = [];
  const remainders: number[] = [];
  const shifted = new Float64Array(m.length);
  for (let k = 0; k <= halvings; k++) {
    const e = eps0 / 2 ** k;
    for (let i = 0; i < m.length; i++) shifted[i] = m[i] + e * dm[i];
    eps.push(e);
    remainders.push(Math.abs(J(shifted).value - base.value - e * slope));
  }
  const rates = remainders.slice(1).map((r, k) => Math.log2(remainders[k] / r));
  return { eps, remainders, rates };
}
