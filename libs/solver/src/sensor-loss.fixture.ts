import type { ObservationOperator } from './observation.ts';

/** J = ½ Σ_t |O h_t − d_t|², dJ/dh_t = Oᵀ(O h_t − d_t): least squares of heads at sensors (adjoint tests). */
export function sensorLoss(obs: ObservationOperator, data: readonly Float64Array[]) {
  return (heads: Float64Array[]) => {
    let value = 0;
    const dHeads = heads.map((h, t) => {
      const r = obs.apply(h).map((v, i) => v - data[t][i]);
      value += 0.5 * r.reduce((a, v) => a + v * v, 0);
      return obs.applyTranspose(r);
    });
    return { value, dHeads };
  };
}
