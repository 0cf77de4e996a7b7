// The differentiable solve as a TensorFlow.js op: ln K [B, ny, nx] -> heads [B, tests, ny, nx],
// float32 at the tensor boundary and float64 inside. Backward = one adjoint solve per test and
// batch member on the factor kept from the forward pass (tf.customGrad).
import { tf } from '@ldinv/tensor';
import { DarcySystem } from './darcy.ts';
import { validateProblem, type DarcyProblem } from './problem.ts';

/** Differentiable tfjs op: lnK tensor [B, ny, nx] (float32) -> heads [B, tests, ny, nx]; backward by adjoint. */
export function darcySolveOp(problem: DarcyProblem): (logK: tf.Tensor3D) => tf.Tensor4D {
  validateProblem(problem);
  const { nx, ny } = problem.grid;
  const n = nx * ny;
  const T = problem.tests.length;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const logK = args[0] as tf.Tensor;
    const [B, gy, gx] = logK.shape;
    if (logK.rank !== 3 || gy !== ny || gx !== nx) {
      throw new Error(`darcySolveOp: logK must have shape [B, ${ny}, ${nx}], got [${logK.shape}]`);
    }
    const data = logK.dataSync();
    const systems: DarcySystem[] = [];
    const heads: Float64Array[][] = [];
    const out = new Float32Array(B * T * n);
    for (let b = 0; b < B; b++) {
      // With several members, keep each factor so that the backward pass does not refactorise.
      const system = new DarcySystem(problem, data.subarray(b * n, (b + 1) * n), { retain: B > 1 });
      const h = system.heads();
      h.forEach((ht, t) => out.set(ht, (b * T + t) * n));
      systems.push(system);
      heads.push(h);
    }
    const value = tf.tensor4d(out, [B, T, ny, nx]);
    const gradFunc = (dy: tf.Tensor): tf.Tensor => {
      const g = dy.dataSync();
      const grad = new Float32Array(B * n);
      for (let b = 0; b < B; b++) {
        const rhs = heads[b].map((_, t) => g.subarray((b * T + t) * n, (b * T + t + 1) * n));
        grad.set(systems[b].gradLogK(heads[b], systems[b].adjointStates(rhs)), b * n);
      }
      return tf.tensor3d(grad, [B, ny, nx]);
    };
    return { value, gradFunc };
  });
  return (logK) => op(logK) as tf.Tensor4D;
}
