// Convolution + bias as one FusedConv2D kernel (XNNPACK adds the bias inside its GEMM; a separate
// tf.add broadcasts [C] over NHWC on tfjs-backend-wasm's scalar path). tf.fused.conv2d has a
// customGrad that computes every input's gradient eagerly, the filter's included, which the
// inversion (gradient with respect to the latent only) never needs. Here the kernel is called
// directly and its gradient registered per input, so the tape runs only what it asks for.
import { Conv2D, FusedConv2D, getGradient, registerGradient, type GradConfig, type NamedAttrMap, type Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

const fusedConv2dGradient: GradConfig = {
  kernelName: FusedConv2D,
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy, saved, attrs) => {
    if ((attrs as { activation?: string }).activation !== 'linear') {
      throw new Error('FusedConv2D gradient: only the linear activation (convWithBias) is supported');
    }
    const conv = getGradient(Conv2D)!.gradFunc(dy, saved, attrs);
    return { ...conv, bias: () => tf.sum(dy as Tensor, [0, 1, 2]) };
  },
};

export function registerConvWithBiasGradient(): void {
  registerGradient(fusedConv2dGradient);
}

export type ConvPadding = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

/** conv2d(x, filter) + bias, NHWC, no dilation; explicit padding as [[0, 0], top/bottom, left/right, [0, 0]]. */
export function convWithBias(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D, strides: number, pad: ConvPadding): tf.Tensor4D {
  const attrs = { strides, pad, dataFormat: 'NHWC', dilations: [1, 1], activation: 'linear' };
  return tf.engine().runKernel(FusedConv2D, { x, filter, bias }, attrs as unknown as NamedAttrMap) as tf.Tensor4D;
}
