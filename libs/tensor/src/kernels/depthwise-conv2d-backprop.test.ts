import { describe, expect, it } from 'vitest';
import { tf } from '../tf.ts';
import { normalData, wasmVsCpu } from './backend-compare.ts';
import { convGrid } from './conv2d-grid.ts';

// tfjs allows depthwise strides only equal in both axes, and dilation only with stride 1.
const cases = [
  ...convGrid(true).filter((c) => c.strides[0] === c.strides[1]),
  ...[2, 3].map((d) => ({ ...convGrid(true)[5], name: `dilation ${d}`, dilations: [d, d] as [number, number], strides: [1, 1] as [number, number] })),
].map((c) => ({ dilations: [1, 1] as [number, number], ...c }));

function outShapeOf(c: (typeof cases)[number]): number[] {
  return tf.tidy(() => tf.depthwiseConv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.filter) as tf.Tensor4D, c.strides, c.pad, 'NHWC', c.dilations).shape);
}

describe('wasm depthwise conv gradients (channel multiplier 2)', () => {
  it.each(cases.map((c) => [c.name, c] as const))('DepthwiseConv2dNativeBackpropInput %s matches cpu to 1e-4', async (_, c) => {
    const outShape = outShapeOf(c);
    const dy = normalData(outShape, 1);
    const w = normalData(c.filter, 2);
    const [err] = await wasmVsCpu(
      () =>
        tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: tf.tensor(dy, outShape), filter: tf.tensor(w, c.filter) }, {
          strides: c.strides,
          pad: c.pad,
          dilations: c.dilations,
          inputShape: c.x,
        }) as tf.Tensor,
    );
    expect(err).toBeLessThan(1e-4);
  });

  it.each(cases.map((c) => [c.name, c] as const))('DepthwiseConv2dNativeBackpropFilter %s matches cpu to 1e-4', async (_, c) => {
    const outShape = outShapeOf(c);
    const x = normalData(c.x, 3);
    const dy = normalData(outShape, 4);
    const [err] = await wasmVsCpu(
      () =>
        tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: tf.tensor(x, c.x), dy: tf.tensor(dy, outShape) }, {
          strides: c.strides,
          pad: c.pad,
          dilations: c.dilations,
          filterShape: c.filter,
        }) as tf.Tensor,
    );
    expect(err).toBeLessThan(1e-4);
  });

  it('tf.grad through a separable block (depthwise then 1x1) matches cpu', async () => {
    const x = normalData([2, 8, 8, 3], 5);
    const dw = normalData([3, 3, 3, 1], 6);
    const pw = normalData([1, 1, 3, 4], 7);
    const errs = await wasmVsCpu(() => {
      const f = (xv: tf.Tensor4D, d: tf.Tensor4D, p: tf.Tensor4D) => tf.sum(tf.square(tf.separableConv2d(xv, d, p, 2, 'same')));
      return tf.grads(f as (...a: tf.Tensor[]) => tf.Tensor)([tf.tensor4d(x, [2, 8, 8, 3]), tf.tensor4d(dw, [3, 3, 3, 1]), tf.tensor4d(pw, [1, 1, 3, 4])]);
    });
    expect(Math.max(...errs)).toBeLessThan(1e-4);
  });
});
