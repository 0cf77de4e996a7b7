// Zero insertion between the rows and columns of an NHWC tensor: out[n, o sh, p sw, c] = x[n, o, p, c],
// zero elsewhere (the "stride-dilated" dy of strided-convolution adjoints). The output is
// [n, ho sh, wo sw, c]: the trailing sh-1 rows (sw-1 columns) are zeros that callers' pads absorb.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmScope } from './wasm-scope.ts';

export function dilateSpatial(s: WasmScope, x: TensorInfo, sh: number, sw: number): TensorInfo {
  if (sh === 1 && sw === 1) return x;
  const [n, ho, wo, c] = x.shape;
  const x6 = s.reshape(x, [n, ho, 1, wo, 1, c]);
  const padded = s.pad(x6, [
    [0, 0],
    [0, 0],
    [0, sh - 1],
    [0, 0],
    [0, sw - 1],
    [0, 0],
  ]);
  return s.reshape(padded, [n, ho * sh, wo * sw, c]);
}
