import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tensorTaylorTest, tf } from '@ldinv/tensor';
import { tinyPrior } from './test-fixtures.ts';

describe('gradients with respect to the latent (Taylor tests)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });
  const prior = tinyPrior(3);
  const z = tf.randomNormal([2, 4, 4, 2], 0, 1, 'float32', 21) as tf.Tensor4D;
  const dz = tf.randomNormal([2, 4, 4, 2], 0, 1, 'float32', 22) as tf.Tensor4D;
  // h from 1/16 to 1/256: past the pre-asymptotic range of these untrained networks, and
  // (with float64 sums) well above float32 rounding.
  const opts = { eps0: 1 / 16, halvings: 4 };

  it('decode(z): remainder of <probe, decode(z)> shrinks as h²', () => {
    const probe = tf.randomNormal([2, 16, 16], 0, 1, 'float32', 23);
    const { rates } = tensorTaylorTest((x) => tf.mul(prior.decode(x as tf.Tensor4D), probe), z, dz, opts);
    expect(Math.min(...rates)).toBeGreaterThan(1.9);
  });

  it('decode(z) through the latent whitening: remainder shrinks as h²', () => {
    const white = tinyPrior(3, 16, true);
    const probe = tf.randomNormal([2, 16, 16], 0, 1, 'float32', 26);
    const { rates } = tensorTaylorTest((x) => tf.mul(white.decode(x as tf.Tensor4D), probe), z, dz, opts);
    expect(Math.min(...rates)).toBeGreaterThan(1.9);
  });

  it('the deterministic DDIM chain zT -> z0: remainder of ||chain(z) − probe||² shrinks as h²', () => {
    const probe = tf.randomNormal([2, 4, 4, 2], 0, 1, 'float32', 24);
    // Four chained denoiser calls: the asymptotic range starts at smaller h.
    const { rates } = tensorTaylorTest((x) => tf.square(tf.sub(prior.ddimChain(x as tf.Tensor4D, 4), probe)), z, dz, { eps0: 1 / 32, halvings: 3 });
    expect(Math.min(...rates)).toBeGreaterThan(1.9);
  });

  it('denoise(z_t, t): remainder of ||ε(z, t) − probe||² shrinks as h²', () => {
    const t = tf.tensor1d([10, 60], 'int32');
    const probe = tf.randomNormal([2, 4, 4, 2], 0, 1, 'float32', 24);
    const { rates } = tensorTaylorTest((x) => tf.square(tf.sub(prior.denoise(x as tf.Tensor4D, t), probe)), z, dz, opts);
    expect(Math.min(...rates)).toBeGreaterThan(1.9);
  });

  it('a wrong gradient fails the test (rates near 1)', () => {
    // x ↦ x³ with a custom gradient of 2x² instead of 3x².
    const wrong = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const x = args[0] as tf.Tensor;
      (args[1] as tf.GradSaveFunc)([x]);
      return { value: tf.pow(x, 3), gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => tf.mul(dy as tf.Tensor, tf.mul(2, tf.square(saved[0]))) };
    });
    const { rates } = tensorTaylorTest((x) => wrong(x) as tf.Tensor, z, dz, opts);
    expect(Math.max(...rates)).toBeLessThan(1.2);
  });
});
