// ResizeNearestNeighborGrad for cpu AND wasm, as the exact adjoint of the forward resize.
// tfjs 4.22's own kernels are wrong: cpu's offsets dy by the *image's* batch stride (wrong for
// batch > 1), and both ignore halfPixelCenters. The VAE decoder's nearest upsampling (DESIGN
// "Prior") trains with batches, so both backends get this one.
//
// Forward (tfjs, per axis): out[r] = x[src(r)], src(r) = min(in-1, round|floor(ratio (r [+ 0.5])))
// (max 0 with half-pixel centres), ratio = (in[-1]) / (out[-1]) per alignCorners.
// Adjoint: dx[i] = sum_{r : src(r) = i} dy[r]. For an integer upscale without alignCorners
// src(r) = floor(r / f) (with or without half-pixel centres), so on wasm dx is a reshape of dy to
// [n, h, f_h, w, f_w, c] summed over the two f axes; otherwise a scatter-add in JS.
import {
  ResizeNearestNeighborGrad,
  type KernelConfig,
  type KernelFunc,
  type ResizeNearestNeighborGradAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { withWasmScope, type BackendWasm } from './wasm-scope.ts';

type Args<B> = { inputs: { images: TensorInfo; dy: TensorInfo }; backend: B; attrs: ResizeNearestNeighborGradAttrs };

/** Source index of every output position along one axis, as tfjs's forward computes it. */
export function nearestSource(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): Int32Array {
  const effIn = alignCorners && outSize > 1 ? inSize - 1 : inSize;
  const effOut = alignCorners && outSize > 1 ? outSize - 1 : outSize;
  const ratio = effIn / effOut;
  const src = new Int32Array(outSize);
  for (let r = 0; r < outSize; r++) {
    const frac = halfPixelCenters ? ratio * (r + 0.5) : ratio * r;
    let s = Math.min(inSize - 1, alignCorners ? Math.round(frac) : Math.floor(frac));
    if (halfPixelCenters) s = Math.max(0, s);
    src[r] = s;
  }
  return src;
}

/** dx += scatter of dy through the source maps; dx must be zeroed. */
function scatterAdd(dy: ArrayLike<number>, dx: Float32Array, images: number[], outH: number, outW: number, rows: Int32Array, cols: Int32Array): void {
  const [n, h, w, c] = images;
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < outH; r++) {
      const dxRow = ((b * h + rows[r]) * w) * c;
      const dyRow = ((b * outH + r) * outW) * c;
      for (let q = 0; q < outW; q++) {
        const o = dxRow + cols[q] * c;
        const i = dyRow + q * c;
        for (let d = 0; d < c; d++) dx[o + d] += dy[i + d];
      }
    }
  }
}

function maps(args: Args<unknown>): { rows: Int32Array; cols: Int32Array; outH: number; outW: number } {
  const { images, dy } = args.inputs;
  const { alignCorners, halfPixelCenters } = args.attrs;
  const [, outH, outW] = dy.shape;
  return {
    rows: nearestSource(images.shape[1], outH, alignCorners, halfPixelCenters),
    cols: nearestSource(images.shape[2], outW, alignCorners, halfPixelCenters),
    outH,
    outW,
  };
}

function cpuKernel(args: Args<MathBackendCPU>): TensorInfo {
  const { images, dy } = args.inputs;
  const { rows, cols, outH, outW } = maps(args);
  const dx = new Float32Array(images.shape.reduce((a, b) => a * b, 1));
  scatterAdd(args.backend.readSync(dy.dataId) as Float32Array, dx, images.shape, outH, outW, rows, cols);
  return args.backend.makeTensorInfo(images.shape, 'float32', dx);
}

function wasmKernel(args: Args<BackendWasm>): TensorInfo {
  const { images, dy } = args.inputs;
  const [n, h, w, c] = images.shape;
  const { rows, cols, outH, outW } = maps(args);
  return withWasmScope(args.backend, (s) => {
    if (!args.attrs.alignCorners && outH % h === 0 && outW % w === 0) {
      const fh = outH / h;
      const fw = outW / w;
      if (fh === 1 && fw === 1) return dy;
      return s.sum(s.reshape(dy, [n, h, fh, w, fw, c]), [2, 4]);
    }
    const dyValues = s.read(dy);
    return s.fromHost(images.shape, (dx) => {
      dx.fill(0);
      scatterAdd(dyValues, dx, images.shape, outH, outW, rows, cols);
    });
  });
}

export const resizeNearestNeighborGradCpuConfig: KernelConfig = {
  kernelName: ResizeNearestNeighborGrad,
  backendName: 'cpu',
  kernelFunc: cpuKernel as unknown as KernelFunc,
};

export const resizeNearestNeighborGradWasmConfig: KernelConfig = {
  kernelName: ResizeNearestNeighborGrad,
  backendName: 'wasm',
  kernelFunc: wasmKernel as unknown as KernelFunc,
};
