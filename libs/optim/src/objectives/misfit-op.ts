// The data misfit of a batch as a tf op on heads: [B, tests, ny, nx] -> Σ_b Φ_b(h_b), with the
// gradient dy · ∂Φ_b/∂h_b of data-misfit.ts. Behind the solver's darcySolveOp it completes
// z -> decode -> ln K -> heads -> Φ, so tf.grad carries the adjoint gradient back through the
// decoder. Per-member values and heads are handed out through `evaluations` for book-keeping.
import { tf } from '@ldinv/tensor';
import type { DataMisfit } from './data-misfit.ts';

export interface MisfitEvaluation {
  /** Φ_b = χ²/(2M) of member b. */
  value: number;
  /** Heads of member b per test (float32 values of the op, widened). */
  heads: Float64Array[];
}

/** (heads [B, tests, ny, nx]) -> scalar Σ_b Φ_b, misfits[b] for batch item b; fills evaluations[b]. */
export function misfitOfHeads(misfits: readonly DataMisfit[], evaluations: MisfitEvaluation[]): (heads: tf.Tensor4D) => tf.Scalar {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const heads = args[0] as tf.Tensor;
    const [B, T, ny, nx] = heads.shape;
    const cells = ny * nx;
    if (heads.rank !== 4 || B !== misfits.length || T !== misfits[0].observations.length || cells !== misfits[0].cells) {
      throw new Error(`misfit op: heads must be [${misfits.length}, tests, ny, nx] for ${misfits[0].cells} cells, got [${heads.shape}]`);
    }
    const values = heads.dataSync();
    const gradient = new Float32Array(B * T * cells);
    let total = 0;
    for (let b = 0; b < B; b++) {
      const h = Array.from({ length: T }, (_, t) => Float64Array.from(values.subarray((b * T + t) * cells, (b * T + t + 1) * cells)));
      const { value, dHeads } = misfits[b].loss(h);
      dHeads.forEach((d, t) => gradient.set(d, (b * T + t) * cells));
      evaluations[b] = { value, heads: h };
      total += value;
    }
    // The gradient tensor is made when asked for: tensors made here, but not returned, are released.
    return { value: tf.scalar(total), gradFunc: (dy: tf.Tensor) => tf.mul(dy, tf.tensor4d(gradient, [B, T, ny, nx])) };
  });
  return (heads) => op(heads) as tf.Scalar;
}

/**
 * (heads [B, tests, ny, nx]) -> scalar Σ_b ⟨w_b, h_b⟩, w_b = weights[b] (one field per test): a linear
 * functional per batch item, so tf.grad through it gives w_bᵀ ∂h/∂(unknowns), a row of a Jacobian.
 */
export function linearFunctionalOfHeads(weights: readonly Float64Array[][]): (heads: tf.Tensor4D) => tf.Scalar {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const heads = args[0] as tf.Tensor;
    const [B, T, ny, nx] = heads.shape;
    const cells = ny * nx;
    if (heads.rank !== 4 || B !== weights.length || weights.some((w) => w.length !== T || w.some((f) => f.length !== cells))) {
      throw new Error(`linear functional: heads [${heads.shape}] do not match ${weights.length} weights of ${weights[0]?.length} tests`);
    }
    const values = heads.dataSync();
    const gradient = new Float32Array(B * T * cells);
    let total = 0;
    weights.forEach((w, b) => w.forEach((field, t) => {
      const offset = (b * T + t) * cells;
      gradient.set(field, offset);
      for (let i = 0; i < cells; i++) total += field[i] * values[offset + i];
    }));
    return { value: tf.scalar(total), gradFunc: (dy: tf.Tensor) => tf.mul(dy, tf.tensor4d(gradient, [B, T, ny, nx])) };
  });
  return (heads) => op(heads) as tf.Scalar;
}
