import { describe, expect, it } from 'vitest';
import { onBackend, relativeError } from '../kernels/backend-compare.ts';
import { tf } from '../tf.ts';

const xs = [-2, -0.7, 0, 0.3, 1.5];

// Analytic second derivatives: tanh'' = -2 t (1 - t^2), sigmoid'' = s (1 - s)(1 - 2 s), exp'' = exp.
const cases = [
  { name: 'tanh', f: tf.tanh, d2: (x: number) => -2 * Math.tanh(x) * (1 - Math.tanh(x) ** 2) },
  {
    name: 'sigmoid',
    f: tf.sigmoid,
    d2: (x: number) => {
      const s = 1 / (1 + Math.exp(-x));
      return s * (1 - s) * (1 - 2 * s);
    },
  },
  { name: 'exp', f: tf.exp, d2: Math.exp },
] as const;

describe('second derivatives through output-saving ops', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it.each(cases.map((c) => [c.name, c] as const))(`tf.grad(tf.grad(%s)) is analytic on ${backend}`, async (_, c) => {
      const [got] = await onBackend(backend, () => tf.grad(tf.grad((x: tf.Tensor) => c.f(x)))(tf.tensor1d(xs)));
      expect(relativeError(got, xs.map(c.d2))).toBeLessThan(1e-5);
    });
  }

  it('third derivative of tanh (d/dθ of a second derivative, as PINN training needs) is analytic', async () => {
    // d3 tanh = -2 (1 - t^2)(1 - 3 t^2)
    const [got] = await onBackend('wasm', () => tf.grad(tf.grad(tf.grad((x: tf.Tensor) => tf.tanh(x))))(tf.tensor1d(xs)));
    const want = xs.map((x) => -2 * (1 - Math.tanh(x) ** 2) * (1 - 3 * Math.tanh(x) ** 2));
    expect(relativeError(got, want)).toBeLessThan(1e-5);
  });
});
