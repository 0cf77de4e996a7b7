// DepthwiseConv2dNativeBackpropFilter on wasm (missing in tfjs-backend-wasm) as ONE depthwise
// XNNPACK convolution.
//
// dW[a, b, ci, j] = sum_{n, o, p} x[n, o sh - pt + a dh, p sw - pl + b dw, ci] dy[n, o, p, ci m + j].
// Put (n, ci, j) on the channel axis of a batch-1 image: X' = x repeated m times per channel,
// transposed to [1, h, w, n Ci m]; F = dy^T [ho, wo, n Ci m, 1]. Then
//   dW'[a, b, (n, c)] = sum_{o, p} X'[a dh - pt + o sh, b dw - pl + p sw, (n, c)] F[o, p, (n, c)]
// is a depthwise conv with stride (dh, dw) and dilation (sh, sw); summing over n gives dW.
import {
  DepthwiseConv2dNativeBackpropFilter,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { nhwcConvInfo } from './nhwc-conv-info.ts';
import { withWasmScope, type BackendWasm } from './wasm-scope.ts';

function depthwiseConv2dBackpropFilter(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: BackendWasm;
  attrs: DepthwiseConv2dNativeBackpropFilterAttrs;
}): TensorInfo {
  const { x, dy } = args.inputs;
  const info = nhwcConvInfo(DepthwiseConv2dNativeBackpropFilter, x.shape, args.attrs.filterShape, args.attrs, true);
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: ho, outWidth: wo, outChannels: cm } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw } = info;
  const { top: pt, left: pl } = info.padInfo;
  const m = cm / ci;

  return withWasmScope(args.backend, (s) => {
    const xm = m === 1 ? x : s.reshape(s.run('Tile', { x: s.reshape(x, [n, h, w, ci, 1]) }, { reps: [1, 1, 1, 1, m] }), [n, h, w, cm]);
    const xT = s.reshape(s.transpose(xm, [1, 2, 0, 3]), [1, h, w, n * cm]);
    const f = s.reshape(s.transpose(dy, [1, 2, 0, 3]), [ho, wo, n * cm, 1]);
    // Padded extent = (kh - 1) dh + the dilated span of dy, so that exactly kh outputs remain.
    const dWn = s.conv(xT, f, {
      strides: [dh, dw],
      dilations: [sh, sw],
      pads: [pt, (kh - 1) * dh + (ho - 1) * sh + 1 - h - pt, pl, (kw - 1) * dw + (wo - 1) * sw + 1 - w - pl],
      depthwise: true,
    });
    const dW = n === 1 ? dWn : s.sum(s.reshape(dWn, [kh, kw, n, cm]), [2]);
    return s.reshape(dW, args.attrs.filterShape);
  });
}

export const depthwiseConv2dBackpropFilterConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dBackpropFilter as unknown as KernelFunc,
};
