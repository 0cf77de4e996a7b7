import { getKernel } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../backend.ts';
import { tf } from '../tf.ts';
import { backendBuffers, normalData } from './backend-compare.ts';
import { CPU_KERNELS, WASM_KERNELS } from './register-kernels.ts';

const t = (shape: number[], seed: number) => tf.tensor(normalData(shape, seed), shape);
// SiLU: the path that also uses the per-sample scratch block.
const groupNormAttrs = { groups: 2, epsilon: 1e-5, activation: 'silu' };

// One call of each registered kernel, with shapes that take its non-trivial paths (stride 2, crops,
// channel multiplier, out-of-range ids, non-integer resize, SIMD GroupNorm).
const calls: Record<string, () => tf.Tensor> = {
  Conv2DBackpropInput: () => tf.conv2dTranspose(t([2, 4, 4, 5], 1) as tf.Tensor4D, t([3, 3, 3, 5], 2) as tf.Tensor4D, [2, 8, 8, 3], 2, 'same'),
  Conv2DBackpropFilter: () =>
    tf.engine().runKernel('Conv2DBackpropFilter', { x: t([2, 8, 8, 3], 3), dy: t([2, 3, 3, 5], 4) }, {
      strides: [2, 2],
      pad: 'valid',
      dataFormat: 'NHWC',
      filterShape: [3, 3, 3, 5],
    }) as tf.Tensor,
  DepthwiseConv2dNativeBackpropInput: () =>
    tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: t([2, 4, 4, 6], 5), filter: t([3, 3, 3, 2], 6) }, {
      strides: [2, 2],
      pad: 'same',
      dilations: [1, 1],
      inputShape: [2, 8, 8, 3],
    }) as tf.Tensor,
  DepthwiseConv2dNativeBackpropFilter: () =>
    tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: t([2, 8, 8, 3], 7), dy: t([2, 4, 4, 6], 8) }, {
      strides: [2, 2],
      pad: 'same',
      dilations: [1, 1],
      filterShape: [3, 3, 3, 2],
    }) as tf.Tensor,
  UnsortedSegmentSum: () => tf.unsortedSegmentSum(t([5, 3], 9), tf.tensor1d([0, 7, 1, -1, 1], 'int32'), 3),
  ResizeNearestNeighborGrad: () =>
    tf.engine().runKernel('ResizeNearestNeighborGrad', { images: t([2, 4, 5, 3], 10), dy: t([2, 8, 7, 3], 11) }, {
      alignCorners: false,
      halfPixelCenters: true,
    }) as tf.Tensor,
  // 8 channels: the SIMD path (channels % 4 = 0).
  LdinvGroupNorm: () =>
    tf.engine().runKernel('LdinvGroupNorm', { x: t([2, 3, 3, 8], 12), gamma: t([8], 13), beta: t([8], 14) }, groupNormAttrs) as tf.Tensor,
  LdinvGroupNormGradInput: () =>
    tf.engine().runKernel('LdinvGroupNormGradInput', { dy: t([2, 3, 3, 8], 15), x: t([2, 3, 3, 8], 16), gamma: t([8], 17), beta: t([8], 18) }, groupNormAttrs) as tf.Tensor,
  LdinvGroupNormGradParams: () =>
    tf.engine().runKernel('LdinvGroupNormGradParams', { dy: t([2, 3, 3, 8], 19), x: t([2, 3, 3, 8], 20), gamma: t([8], 21), beta: t([8], 22) }, groupNormAttrs) as tf.Tensor,
};

describe('registered kernels', () => {
  it('replace the packages’ own once the backend is up', async () => {
    await initBackend({ backend: 'wasm' });
    for (const config of [...WASM_KERNELS, ...CPU_KERNELS]) expect(getKernel(config.kernelName, config.backendName)).toBe(config);
  });

  it.each(WASM_KERNELS.map((k) => [k.kernelName] as const))('wasm %s frees every intermediate buffer', async (name) => {
    await initBackend({ backend: 'wasm' });
    const call = calls[name];
    expect(call).toBeDefined();
    tf.dispose(call()); // first call may allocate lasting state (XNNPACK operators)
    const before = backendBuffers();
    const tensorsBefore = tf.memory().numTensors;
    tf.tidy(() => {
      call().dataSync();
    });
    expect(backendBuffers()).toBe(before);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
});
