// DepthwiseConv2dNativeBackpropInput on wasm (missing in tfjs-backend-wasm) as a depthwise XNNPACK
// convolution of the stride-dilated dy with the flipped filter.
//
// Per axis, stride s, dilation d, top pad p, channel multiplier m, c = ci m + j:
//   y[o, c] = sum_k x[o s - p + k d, ci] w[k, ci, j]
//   dx[i, ci] = sum_j sum_k dy'[i + p - k d, c] w[k, ci, j],  dy'[o s] = dy[o], zero elsewhere,
// a depthwise correlation of dy' with w flipped along k, dilation d, top pad (kh-1) d - p, whose
// Ci m outputs are summed over j. tfjs asserts stride 1 or dilation 1, so zero insertion costs
// at most s^2 of a (cheap) depthwise conv.
import {
  DepthwiseConv2dNativeBackpropInput,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { nhwcConvInfo } from './nhwc-conv-info.ts';
import { withWasmScope, type BackendWasm } from './wasm-scope.ts';
import { dilateSpatial } from './dilate-spatial.ts';

function depthwiseConv2dBackpropInput(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: BackendWasm;
  attrs: DepthwiseConv2dNativeBackpropInputAttrs;
}): TensorInfo {
  const { dy, filter } = args.inputs;
  const info = nhwcConvInfo(DepthwiseConv2dNativeBackpropInput, args.attrs.inputShape, filter.shape, args.attrs, true);
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outChannels: cm } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw } = info;
  const { top: pt, left: pl } = info.padInfo;
  const m = cm / ci;

  return withWasmScope(args.backend, (s) => {
    const dyD = dilateSpatial(s, dy, sh, sw);
    const [, lh, lw] = dyD.shape;
    // Flipped filter, built in JS (small; wasm's Reverse is slow): wFlip[a, b, c] = w[kh-1-a, kw-1-b, c].
    const wv = s.read(filter);
    const wFlip = s.fromHost([kh, kw, cm, 1], (out) => {
      for (let a = 0; a < kh; a++)
        for (let b = 0; b < kw; b++) out.set(wv.subarray(((kh - 1 - a) * kw + (kw - 1 - b)) * cm, ((kh - a) * kw - b) * cm), (a * kw + b) * cm);
    });
    const dxc = s.conv(dyD, wFlip, {
      strides: [1, 1],
      dilations: [dh, dw],
      pads: [(kh - 1) * dh - pt, h - lh + pt, (kw - 1) * dw - pl, w - lw + pl],
      depthwise: true,
    });
    return m === 1 ? dxc : s.sum(s.reshape(dxc, [n, h, w, ci, m]), [4]);
  });
}

export const depthwiseConv2dBackpropInputConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dBackpropInput as unknown as KernelFunc,
};
