import { describe, expect, it } from 'vitest';
import { tf } from '@ldinv/tensor';
import { dctMatrix, fitWhitening, LatentWhitening, symmetricEigen } from './latent-whitening.ts';

/** n latents [n, h, w, c]: box-smoothed white noise (strong spatial correlation), channels mixed. */
function correlatedLatents(n: number, h: number, w: number, c: number, seed: number): Float32Array {
  const white = tf.randomNormal([n, h, w, c], 0, 1, 'float32', seed) as tf.Tensor4D;
  const smooth = tf.avgPool(tf.pad(white, [[0, 0], [2, 2], [2, 2], [0, 0]], 0), 5, 1, 'valid') as tf.Tensor4D;
  const mix = tf.tensor2d(Float32Array.from({ length: c * c }, (_, k) => (k % (c + 1) === 0 ? 1 : 0.5)), [c, c]);
  const u = tf.add(tf.reshape(tf.matMul(tf.reshape(smooth, [-1, c]), mix), [n, h, w, c]), 3);
  return u.dataSync() as Float32Array;
}

function lag1(data: Float32Array, n: number, h: number, w: number, c: number): { variance: number; corr: number } {
  let s = 0;
  let q = 0;
  let cross = 0;
  let pairs = 0;
  for (const v of data) s += v;
  const m = s / data.length;
  for (const v of data) q += (v - m) ** 2;
  for (let f = 0; f < n; f++)
    for (let i = 0; i < h; i++)
      for (let j = 0; j + 1 < w; j++)
        for (let ch = 0; ch < c; ch++) {
          const a = ((f * h + i) * w + j) * c + ch;
          cross += (data[a] - m) * (data[a + c] - m);
          pairs++;
        }
  const variance = q / data.length;
  return { variance, corr: cross / pairs / variance };
}

describe('latent whitening', () => {
  it('DCT matrices are orthonormal and the Jacobi eigensolver reconstructs a symmetric matrix', () => {
    const d = dctMatrix(6);
    for (let a = 0; a < 6; a++)
      for (let b = 0; b < 6; b++) {
        let dot = 0;
        for (let i = 0; i < 6; i++) dot += d[a * 6 + i] * d[b * 6 + i];
        expect(dot).toBeCloseTo(a === b ? 1 : 0, 6);
      }
    const A = Float64Array.from([4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 1]);
    const { w, v } = symmetricEigen(A, 3);
    for (let a = 0; a < 3; a++)
      for (let b = 0; b < 3; b++) {
        let s = 0;
        for (let e = 0; e < 3; e++) s += v[a * 3 + e] * w[e] * v[b * 3 + e];
        expect(s).toBeCloseTo(A[a * 3 + b], 10);
      }
  });

  // [6, 10]: the latent of a non-square grid, where the DCT of the fit and that of the tensors must agree on which axis is which.
  it.each([
    [8, 8],
    [6, 10],
  ])('turns strongly correlated latents [%i, %i, c] into nearly white ones, invertibly', (h, w) => {
    const [n, c] = [1500, 3];
    const u = correlatedLatents(n, h, w, c, 1);
    const before = lag1(u, n, h, w, c);
    expect(before.corr).toBeGreaterThan(0.6);
    const wt = new LatentWhitening([h, w, c], fitWhitening(u, h, w, c));
    // Judge on fresh latents from the same law, not the fitted ones.
    const fresh = tf.tensor4d(correlatedLatents(500, h, w, c, 2), [500, h, w, c]);
    const z = wt.apply(fresh);
    const after = lag1(z.dataSync() as Float32Array, 500, h, w, c);
    expect(Math.abs(after.variance - 1)).toBeLessThan(0.1);
    expect(Math.abs(after.corr)).toBeLessThan(0.1);
    const { mean } = tf.moments(z);
    expect(Math.abs(mean.dataSync()[0])).toBeLessThan(0.05);
    const back = wt.invert(z);
    expect(tf.max(tf.abs(tf.sub(back, fresh))).dataSync()[0]).toBeLessThan(1e-4);
    wt.dispose();
  });
});
