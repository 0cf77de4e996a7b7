// Strong-form residual of the Darcy equation of docs/DESIGN.md, −∇·(K∇h) = f + Σ_w q_w δ(x − x_w), for a
// PINN: K = exp(Y) and h given as functions of the points, derivatives by reverse-mode automatic
// differentiation in the points (tf.grad, nested for the second derivatives). With K = e^Y,
//   r = ∇·(K∇h) + f + s = e^Y (Δh + ∇Y·∇h) + f + s,
// which needs ∇Y, ∇h and the two pure second derivatives of h. Point wells are smoothed into
// normalised Gaussians s(x) = Σ_w q_w exp(−|x − x_w|²/(2ε²)) / (2πε²) (∫ s dA = Σ q_w), since a
// network cannot represent δ and collocation points would miss it.
import type { Well } from '@ldinv/solver';
import { tf } from '@ldinv/tensor';

/** A field evaluated at points: x [N, 2] -> [N, channels]. */
export type PointField = (x: tf.Tensor2D) => tf.Tensor2D;

function column(u: tf.Tensor2D, c: number): tf.Tensor2D {
  return tf.slice(u, [0, c], [-1, 1]);
}

/**
 * ∇ of channel c of u, as a field: x -> [N, 2]. Points are independent, so ∂(Σ_p u_p)/∂x_p = ∇u(x_p).
 * tfjs rejects a gradient that does not depend on its input (∇ of a field linear in x, e.g. the
 * manufactured h = x); the zero term 0·Σ|x|² keeps first and second derivatives connected to x.
 */
export function gradientField(u: PointField, c: number): PointField {
  return (x) =>
    tf.grad((xx: tf.Tensor) => tf.add(tf.sum(column(u(xx as tf.Tensor2D), c)), tf.mul(0, tf.sum(tf.square(xx)))))(x) as tf.Tensor2D;
}

/** Δ of channel c of u at x: ∂²u/∂x² + ∂²u/∂y², two reverse passes through the gradient field. */
export function laplacian(u: PointField, c: number, x: tf.Tensor2D): tf.Tensor2D {
  const g = gradientField(u, c);
  const uxx = column(gradientField(g, 0)(x), 0);
  const uyy = column(gradientField(g, 1)(x), 1);
  return tf.add(uxx, uyy);
}

/** A field and its derivatives at N points, each [N, channels]: value, ∂/∂x, ∂/∂y, Δ, and ∂²/∂x² where asked for. */
export interface Jet {
  value: tf.Tensor2D;
  dx: tf.Tensor2D;
  dy: tf.Tensor2D;
  lap: tf.Tensor2D;
  dxx?: tf.Tensor2D;
}

/** The jet of any field by reverse-mode autodiff in the points (one pass per channel for ∇, two for Δ). */
export function fieldJet(u: PointField, channels: number, x: tf.Tensor2D): Jet {
  const parts = Array.from({ length: channels }, (_, c) => ({
    grad: gradientField(u, c)(x), lap: laplacian(u, c, x), dxx: column(gradientField(gradientField(u, c), 0)(x), 0),
  }));
  const join = (list: tf.Tensor2D[]) => (list.length === 1 ? list[0] : (tf.concat(list, 1) as tf.Tensor2D));
  return {
    value: u(x),
    dx: join(parts.map((p) => column(p.grad, 0))),
    dy: join(parts.map((p) => column(p.grad, 1))),
    lap: join(parts.map((p) => p.lap)),
    dxx: join(parts.map((p) => p.dxx)),
  };
}

/**
 * r_t = e^Y (Δh_t + ∇Y·∇h_t) + forcing_t from the jets of Y ([N, 1]) and of the heads ([N, T], one
 * channel per pumping test), forcing [N, T] (f + s_t, see wellForcing). Returns [N, T].
 * With `alpha` ≠ 1 (a site in coordinates scaled to the unit square, α = (lx/ly)²), the y terms are
 * weighted: r = e^Y (h_xx + Y_x h_x + α (h_yy + Y_y h_y)) + forcing; both jets then need dxx.
 */
export function darcyResidualOfJets(logK: Jet, head: Jet, forcing: tf.Tensor2D, alpha = 1): tf.Tensor2D {
  if (alpha === 1) {
    const advection = tf.add(tf.mul(logK.dx, head.dx), tf.mul(logK.dy, head.dy));
    return tf.add(tf.mul(tf.exp(logK.value), tf.add(head.lap, advection)), forcing) as tf.Tensor2D;
  }
  if (!head.dxx) throw new Error('darcyResidualOfJets: an anisotropic residual needs the head jet with dxx');
  const xTerms = tf.add(head.dxx, tf.mul(logK.dx, head.dx));
  const yTerms = tf.add(tf.sub(head.lap, head.dxx), tf.mul(logK.dy, head.dy));
  return tf.add(tf.mul(tf.exp(logK.value), tf.add(xTerms, tf.mul(alpha, yTerms))), forcing) as tf.Tensor2D;
}

/** The residual of any two fields (logK: x -> [N, 1], head: x -> [N, T]) by nested tf.grad. */
export function darcyResidual(
  logK: PointField, head: PointField, tests: number, x: tf.Tensor2D, forcing: tf.Tensor2D, alpha = 1,
): tf.Tensor2D {
  return darcyResidualOfJets(fieldJet(logK, 1, x), fieldJet(head, tests, x), forcing, alpha);
}

/**
 * f + s_t at each point for each test, row-major [points, tests]: the source density f of the
 * boundary setup plus the wells of test t as Gaussians of standard deviation `width` (length units).
 */
export function wellForcing(points: Float32Array, tests: readonly (readonly Well[])[], f: number, width: number): Float32Array {
  if (!(width > 0)) throw new Error(`wellForcing: width must be > 0, got ${width}`);
  const n = points.length / 2;
  const T = tests.length;
  const out = new Float32Array(n * T).fill(f);
  const norm = 1 / (2 * Math.PI * width * width);
  tests.forEach((wells, t) => {
    for (const w of wells) {
      for (let p = 0; p < n; p++) {
        const d2 = (points[2 * p] - w.x) ** 2 + (points[2 * p + 1] - w.y) ** 2;
        out[p * T + t] += w.rate * norm * Math.exp(-d2 / (2 * width * width));
      }
    }
  });
  return out;
}
