import { createRng, initBackend, tf } from '@ldinv/tensor';
import { describe, expect, it } from 'vitest';
import { fieldJet } from '../objectives/pde-residual.ts';
import { initMlp, mlp, mlpJet, mlpSize } from './pinn-network.ts';

describe('pinn networks', () => {
  const shape = { inputs: 2, width: 8, depth: 3, outputs: 3 };

  it('counts (in + 1) · out parameters per layer', () => {
    expect(mlpSize(shape)).toBe(3 * 8 + 9 * 8 + 9 * 8 + 9 * 3);
    expect(() => mlp(shape, tf.zeros([5]) as tf.Tensor1D)).toThrow(`mlp: expected ${mlpSize(shape)} parameters, got 5`);
  });

  it('forward-mode jet (value, ∇, Δ, ∂²/∂x²) equals nested reverse-mode tf.grad of the same network', async () => {
    await initBackend({ backend: 'wasm' });
    // Output scale 1 and random biases: every unit and output carries curvature.
    const rng = createRng(3);
    const params = initMlp(shape, rng, 1).map((p) => (p === 0 ? 0.5 * rng.normal() : p));
    const points = Float32Array.from({ length: 2 * 7 }, () => rng.uniform());
    const [forward, reverse] = tf.tidy(() => {
      const theta = tf.tensor1d(params);
      const x = tf.tensor2d(points, [7, 2]);
      const jets = [mlpJet(shape, theta, x, true), fieldJet(mlp(shape, theta), shape.outputs, x)];
      return jets.map((j) => [j.value, j.dx, j.dy, j.lap, j.dxx!].map((t) => t.dataSync().slice()));
    });
    forward.forEach((got, k) => {
      const want = reverse[k];
      const scale = Math.max(...want.map(Math.abs));
      const error = Math.max(...want.map((w, i) => Math.abs(got[i] - w)));
      expect(scale).toBeGreaterThan(0.1);
      expect(error / scale).toBeLessThan(1e-5); // float32 rounding; measured ~1e-7
    });
  });
});
