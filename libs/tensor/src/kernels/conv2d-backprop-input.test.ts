import { describe, expect, it } from 'vitest';
import { tf } from '../tf.ts';
import { normalData, wasmVsCpu } from './backend-compare.ts';
import { convGrid } from './conv2d-grid.ts';

describe('wasm Conv2DBackpropInput', () => {
  it.each(convGrid().map((c) => [c.name, c] as const))('%s matches cpu to 1e-4', async (_, c) => {
    const outShape = tf.tidy(() => tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.filter) as tf.Tensor4D, c.strides, c.pad).shape);
    const dy = normalData(outShape, 1);
    const w = normalData(c.filter, 2);
    const [err] = await wasmVsCpu(() =>
      tf.conv2dTranspose(tf.tensor4d(dy, outShape as [number, number, number, number]), tf.tensor4d(w, c.filter), c.x, c.strides, c.pad),
    );
    expect(err).toBeLessThan(1e-4);
  });

});
