// Kernels registered here are compositions of the wasm backend's own kernels (XNNPACK convolution,
// transpose, pad, ...), called at the kernel level as tfjs backends do internally: no tape, no
// engine tensors, intermediates freed through the backend's reference counts.
import { getKernel, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export type { BackendWasm };

/** Runs wasm kernels and frees every intermediate output unless it is kept. */
export class WasmScope {
  private readonly temps: TensorInfo[] = [];

  constructor(readonly backend: BackendWasm) {}

  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const kernel = getKernel(kernelName, 'wasm');
    if (kernel == null) throw new Error(`wasm backend: kernel ${kernelName} is not registered`);
    const out = kernel.kernelFunc({ inputs, attrs, backend: this.backend });
    if (Array.isArray(out)) throw new Error(`wasm backend: kernel ${kernelName} returned ${out.length} outputs, expected 1`);
    this.temps.push(out);
    return out;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return sameShape(x.shape, shape) ? x : this.run('Reshape', { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    // Axes of size 1 do not move data: such a permutation is a reshape.
    const moved = perm.filter((p) => x.shape[p] !== 1);
    if (moved.every((p, i) => i === 0 || moved[i - 1] < p)) return this.reshape(x, perm.map((p) => x.shape[p]));
    return this.run('Transpose', { x }, { perm });
  }

  /** Zero padding; `paddings[d] = [before, after]`, both >= 0. */
  pad(x: TensorInfo, paddings: [number, number][]): TensorInfo {
    return paddings.every(([a, b]) => a === 0 && b === 0) ? x : this.run('PadV2', { x }, { paddings, constantValue: 0 });
  }

  /**
   * Contiguous-run copy straight between heap views. wasm's own Slice first copies the whole
   * input out of the heap (readSync), which dominated the gradient kernels.
   */
  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    if (begin.every((b) => b === 0) && sameShape(x.shape, size)) return x;
    const out = this.adopt(this.backend.makeOutput(size, x.dtype));
    // Views are taken after makeOutput, which may grow (and so detach) the heap.
    const src = this.backend.typedArrayFromHeap(x);
    const dst = this.backend.typedArrayFromHeap(out);
    const rank = size.length;
    // Axes after `k` are whole, so one run covers size[k] * prod(shape[k+1:]) elements.
    let k = rank - 1;
    while (k > 0 && size[k] === x.shape[k] && begin[k] === 0) k--;
    const strides = new Array<number>(rank).fill(1);
    for (let d = rank - 2; d >= 0; d--) strides[d] = strides[d + 1] * x.shape[d + 1];
    const run = size[k] * strides[k];
    const idx = new Array<number>(k).fill(0);
    const runs = size.slice(0, k).reduce((a, b) => a * b, 1);
    for (let r = 0, o = 0; r < runs; r++, o += run) {
      let offset = begin[k] * strides[k];
      for (let d = 0; d < k; d++) offset += (begin[d] + idx[d]) * strides[d];
      dst.set(src.subarray(offset, offset + run), o);
      for (let d = k - 1; d >= 0; d--) {
        if (++idx[d] < size[d]) break;
        idx[d] = 0;
      }
    }
    return out;
  }

  sum(x: TensorInfo, axis: number[]): TensorInfo {
    return this.run('Sum', { x }, { axis, keepDims: false });
  }

  /**
   * NHWC convolution (`Conv2D`, or `DepthwiseConv2dNative` with `depthwise`) with per-side pads
   * that may be negative: a negative pad crops the input instead, so callers can write the pads
   * that the adjoint algebra gives without special cases.
   */
  conv(
    x: TensorInfo,
    filter: TensorInfo,
    opts: { strides: [number, number]; dilations: [number, number]; pads: SidePads; depthwise?: boolean },
  ): TensorInfo {
    const [top, bottom, left, right] = opts.pads;
    const [n, h, w, c] = x.shape;
    const cropT = Math.max(0, -top);
    const cropB = Math.max(0, -bottom);
    const cropL = Math.max(0, -left);
    const cropR = Math.max(0, -right);
    const input = this.slice(x, [0, cropT, cropL, 0], [n, h - cropT - cropB, w - cropL - cropR, c]);
    const pad = [
      [0, 0],
      [Math.max(0, top), Math.max(0, bottom)],
      [Math.max(0, left), Math.max(0, right)],
      [0, 0],
    ];
    const attrs = { strides: opts.strides, dilations: opts.dilations, pad, dataFormat: 'NHWC', dimRoundingMode: undefined };
    return this.run(opts.depthwise ? 'DepthwiseConv2dNative' : 'Conv2D', { x: input, filter }, attrs as unknown as NamedAttrMap);
  }

  /** A float32 tensor of `shape` filled on the JS side from `fill` (small tensors: filters). */
  fromHost(shape: number[], fill: (out: Float32Array) => void): TensorInfo {
    const out = this.adopt(this.backend.makeOutput(shape, 'float32'));
    fill(this.backend.typedArrayFromHeap(out) as Float32Array);
    return out;
  }

  /** A copy of `t`'s values (wasm's readSync copies out of the heap, so it survives heap growth). */
  read(t: TensorInfo): Float32Array {
    return this.backend.readSync(t.dataId) as Float32Array;
  }

  /** Frees `t` (made directly with backend.makeOutput) at dispose like any kernel output. */
  adopt(t: TensorInfo): TensorInfo {
    this.temps.push(t);
    return t;
  }

  /** Keeps `out` alive past `dispose` (the kernel's result). */
  keep(out: TensorInfo): TensorInfo {
    const i = this.temps.lastIndexOf(out);
    if (i >= 0) this.temps.splice(i, 1);
    else this.backend.incRef(out.dataId); // an input passed through unchanged: the engine owns one reference
    return out;
  }

  dispose(): void {
    for (const t of this.temps) this.backend.disposeData(t.dataId);
    this.temps.length = 0;
  }
}

/** `[top, bottom, left, right]`; negative entries crop. */
export type SidePads = [number, number, number, number];

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Runs `body` in a scope and returns the kept result; intermediates are always freed. */
export function withWasmScope(backend: BackendWasm, body: (s: WasmScope) => TensorInfo): TensorInfo {
  const scope = new WasmScope(backend);
  try {
    return scope.keep(body(scope));
  } finally {
    scope.dispose();
  }
}
