import { describe, expect, it } from 'vitest';
import { initBackend, tensorTaylorTest, tf } from '@ldinv/tensor';
import { conv, groupNorm, pixelShuffle, pixelUnshuffle, timestepEmbedding, upsample2, upsampleConv } from './layers.ts';
import { ParamStore, Scope } from './params.ts';

describe('layers', () => {
  it('pixel shuffle inverts pixel unshuffle and keeps each 2x2 block in one cell', () => {
    const x = tf.tensor3d(Float32Array.from({ length: 2 * 4 * 6 }, (_, i) => i), [2, 4, 6]);
    const u = pixelUnshuffle(x, 2);
    expect(u.shape).toEqual([2, 2, 3, 4]);
    // Cell (0, 0) of field 0 holds x[0, 0:2, 0:2] = 0, 1, 6, 7.
    expect(Array.from(tf.slice(u, [0, 0, 0, 0], [1, 1, 1, 4]).dataSync())).toEqual([0, 1, 6, 7]);
    expect(Array.from(pixelShuffle(u, 2).dataSync())).toEqual(Array.from(x.dataSync()));
  });

  it('group norm gives zero mean, unit variance per sample and group', () => {
    const store = new ParamStore(1);
    const x = tf.add(tf.mul(tf.randomNormal([2, 4, 4, 8], 0, 1, 'float32', 1), 3), 5) as tf.Tensor4D;
    const y = groupNorm(new Scope(store, 'gn'), x, 4);
    const { mean, variance } = tf.moments(tf.reshape(y, [2, 16, 4, 2]), [1, 3]);
    for (const m of mean.dataSync()) expect(Math.abs(m)).toBeLessThan(1e-5);
    for (const v of variance.dataSync()) expect(v).toBeCloseTo(1, 3);
  });

  it('group norm has the right (hand-written) gradient: Taylor rates ~2', () => {
    const store = new ParamStore(1);
    const sc = new Scope(store, 'gn');
    const x = tf.randomNormal([2, 4, 4, 8], 0, 1, 'float32', 2);
    const dx = tf.randomNormal([2, 4, 4, 8], 0, 1, 'float32', 3);
    const probe = tf.randomNormal([2, 4, 4, 8], 0, 1, 'float32', 4);
    const { rates } = tensorTaylorTest((v) => tf.mul(tf.square(groupNorm(sc, v as tf.Tensor4D, 4)), probe), x, dx, { eps0: 1 / 8, halvings: 4 });
    expect(Math.min(...rates)).toBeGreaterThan(1.9);
  });

  it('nearest upsampling duplicates each cell into a 2x2 block', () => {
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    expect(Array.from(upsample2(x).dataSync())).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`upsampleConv equals conv(upsample2) and has its gradients on ${backend}`, async () => {
      await initBackend({ backend });
      const store = new ParamStore(3);
      // Non-zero bias, so that the bias and its gradient are checked too.
      store.param('up/b', [5], 'lecun');
      const sc = new Scope(store, 'up');
      const x = tf.randomNormal([2, 3, 4, 6], 0, 1, 'float32', 5) as tf.Tensor4D;
      const probe = tf.randomNormal([2, 6, 8, 5], 0, 1, 'float32', 6);
      const params = [store.param('up/w', [3, 3, 6, 5], 'lecun'), store.param('up/b', [5], 'lecun')];
      // The value, and the gradients of <f(x), probe> w.r.t. x, the filter and the bias.
      const outputs = (f: (v: tf.Tensor4D) => tf.Tensor4D) => {
        const loss = (v: tf.Tensor) => tf.sum(tf.mul(f(v as tf.Tensor4D), probe)) as tf.Scalar;
        const { grads } = tf.variableGrads(() => loss(x), params);
        return [f(x), tf.grad(loss)(x), grads[params[0].name], grads[params[1].name]];
      };
      const ref = outputs((v) => conv(sc, upsample2(v), 5));
      const got = outputs((v) => upsampleConv(sc, v, 5));
      expect(got[0].shape).toEqual([2, 6, 8, 5]);
      for (let i = 0; i < ref.length; i++) {
        const diff = tf.max(tf.abs(tf.sub(got[i], ref[i]))).dataSync()[0];
        const scale = tf.max(tf.abs(ref[i])).dataSync()[0];
        expect(diff / scale).toBeLessThan(1e-5);
      }
      await initBackend({ backend: 'cpu' });
    });
  }

  it('time embedding is [sin, cos] of t times geometric frequencies', () => {
    const e = timestepEmbedding(tf.tensor1d([0, 7], 'int32'), 8).arraySync();
    expect(e[0]).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    expect(e[1][1]).toBeCloseTo(Math.sin(7 * Math.exp(-Math.log(10000) / 4)), 5);
    expect(e[1][4]).toBeCloseTo(Math.cos(7), 5);
  });

  it('creates weights once, from (seed, name) only, and rejects a shape change', () => {
    const a = new ParamStore(5);
    const b = new ParamStore(5);
    b.param('other', [3], 'lecun');
    const wa = a.param('w', [2, 3], 'lecun');
    const wb = b.param('w', [2, 3], 'lecun');
    expect(Array.from(wa.dataSync())).toEqual(Array.from(wb.dataSync()));
    expect(a.param('w', [2, 3], 'lecun')).toBe(wa);
    expect(() => a.param('w', [3, 3], 'lecun')).toThrow(/weight w has shape \[2,3\].*expects \[3,3\]/);
  });
});
