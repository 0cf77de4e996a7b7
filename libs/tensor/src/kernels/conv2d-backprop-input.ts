// Conv2DBackpropInput on wasm (the adjoint of a strided conv2d, i.e. conv2dTranspose) as ONE
// XNNPACK convolution by the sub-pixel decomposition (Shi et al. 2016, "Is the deconvolution layer
// the same as a convolutional layer?"). tfjs-backend-wasm's own kernel is a scalar C loop.
//
// Forward (per spatial axis, stride s, top pad p): y[o] = sum_k x[o s - p + k] w[k].
// Adjoint:  dx[i] = sum_{o,k : o s + k = i + p} dy[o] w[k].
// With q = i + p = s u + r (phase r = q mod s) and k = r + s t:
//   dx[q - p] = sum_t dy[u - t] w[r + s t]  =  a stride-1 correlation of dy with the flipped
// sub-filter g_r[j] = w[r + s (T - 1 - j)], T = ceil(k / s).
// All s_h s_w phases become output channels of one conv with a T_h x T_w filter; a
// reshape/transpose interleaves them back (depth-to-space) and a slice removes the offset p mod s.
// Cost: (ceil(k/s) s)^2 / k^2 of the forward conv (16/9 for 3x3 stride 2) instead of the s^2 of
// zero-insertion.
import {
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { nhwcConvInfo } from './nhwc-conv-info.ts';
import { withWasmScope, type BackendWasm } from './wasm-scope.ts';

function conv2dBackpropInput(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: BackendWasm;
  attrs: Conv2DBackpropInputAttrs;
}): TensorInfo {
  const { dy, filter } = args.inputs;
  const info = nhwcConvInfo(Conv2DBackpropInput, args.attrs.inputShape, filter.shape, args.attrs, false);
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: ho, outWidth: wo, outChannels: co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { top: pt, left: pl } = info.padInfo;

  return withWasmScope(args.backend, (s) => {
    const th = Math.ceil(kh / sh);
    const tw = Math.ceil(kw / sw);
    const g = s.fromHost([th, tw, co, sh * sw * ci], (out) => subPixelFilter(s.read(filter), out, kh, kw, ci, co, sh, sw));

    // Phase outputs u0 .. uMax cover q = i + p for i in [0, h); pads place u0 first.
    const u0h = Math.floor(pt / sh);
    const u0w = Math.floor(pl / sw);
    const lh = Math.floor((h - 1 + pt) / sh) - u0h + 1;
    const lw = Math.floor((w - 1 + pl) / sw) - u0w + 1;
    const padT = th - 1 - u0h;
    const padL = tw - 1 - u0w;
    const y = s.conv(dy, g, {
      strides: [1, 1],
      dilations: [1, 1],
      pads: [padT, lh - ho - padT + th - 1, padL, lw - wo - padL + tw - 1],
    });
    // Depth-to-space: [n, lh, lw, (sh, sw, ci)] -> [n, lh sh, lw sw, ci].
    // (A transpose that keeps ci innermost; wasm's DepthToSpace kernel measured ~20x slower.)
    const z = s.reshape(s.transpose(s.reshape(y, [n, lh, lw, sh, sw, ci]), [0, 1, 3, 2, 4, 5]), [n, lh * sh, lw * sw, ci]);
    return s.slice(z, [0, pt - u0h * sh, pl - u0w * sw, 0], [n, h, w, ci]);
  });
}

/**
 * Phase-conv filter g[jh, jw, co, (rh, rw, ci)] = w[rh + sh (th-1-jh), rw + sw (tw-1-jw), ci, co],
 * zero where that tap is past the filter. Built in JS: filters are small and wasm's rank-6
 * reverse/transpose kernels are slow.
 */
function subPixelFilter(w: Float32Array, g: Float32Array, kh: number, kw: number, ci: number, co: number, sh: number, sw: number): void {
  const th = Math.ceil(kh / sh);
  const tw = Math.ceil(kw / sw);
  const phases = sh * sw * ci;
  g.fill(0);
  for (let jh = 0; jh < th; jh++) {
    for (let jw = 0; jw < tw; jw++) {
      for (let rh = 0; rh < sh; rh++) {
        const a = rh + sh * (th - 1 - jh);
        if (a >= kh) continue;
        for (let rw = 0; rw < sw; rw++) {
          const b = rw + sw * (tw - 1 - jw);
          if (b >= kw) continue;
          const gBase = (jh * tw + jw) * co * phases + (rh * sw + rw) * ci;
          const wBase = (a * kw + b) * ci * co;
          for (let c = 0; c < ci; c++) {
            for (let o = 0; o < co; o++) g[gBase + o * phases + c] = w[wBase + c * co + o];
          }
        }
      }
    }
  }
}

export const conv2dBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput as unknown as KernelFunc,
};
