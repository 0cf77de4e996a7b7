import { describe, expect, it } from 'vitest';
import { tf } from '../tf.ts';
import { normalData, wasmVsCpu } from './backend-compare.ts';
import { convGrid } from './conv2d-grid.ts';

describe('wasm Conv2DBackpropFilter', () => {
  it.each(convGrid().map((c) => [c.name, c] as const))('%s matches cpu to 1e-4', async (_, c) => {
    const outShape = tf.tidy(() => tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.filter) as tf.Tensor4D, c.strides, c.pad).shape);
    const x = normalData(c.x, 1);
    const dy = normalData(outShape, 2);
    const [err] = await wasmVsCpu(() =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.tensor(x, c.x), dy: tf.tensor(dy, outShape) }, {
        strides: c.strides,
        pad: c.pad,
        dataFormat: 'NHWC',
        filterShape: c.filter,
      }) as tf.Tensor,
    );
    expect(err).toBeLessThan(1e-4);
  });

});
