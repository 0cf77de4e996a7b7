import { describe, expect, it } from 'vitest';
import { tf } from '@ldinv/tensor';
import { groupNorm, pixelShuffle, pixelUnshuffle, timestepEmbedding, upsample2 } from './layers.ts';
import { ParamStore, Scope } from './params.ts';
import { taylorRates } from './taylor-test.ts';

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
    const rates = taylorRates((v) => tf.mul(tf.square(groupNorm(sc, v as tf.Tensor4D, 4)), probe), x, dx, { h0: 1 / 8, halvings: 4 });
    expect(Math.min(...rates)).toBeGreaterThan(1.9);
  });

  it('nearest upsampling duplicates each cell into a 2x2 block', () => {
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    expect(Array.from(upsample2(x).dataSync())).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  });

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
