// GroupNorm with its affine map, y = γ x̂ + β, x̂ = (x − μ)/√(σ² + ε) per sample and group, and
// optionally SiLU after it (y = a σ(a), a = γ x̂ + β: the prior networks' only use of GroupNorm),
// as one kernel per pass on the cpu and wasm backends. Composed of tfjs ops it is a dozen kernels whose
// broadcasts ([B,1,1,G,1] and [C] against [B,H,W,G,C/G]) take tfjs-backend-wasm's scalar
// index-per-element path: GroupNorm was a third of the decoder's time in the inversion loop.
// Here: one pass for the statistics (float64 sums), one for the output, in WebAssembly SIMD on
// the wasm backend's heap (group-norm.wat) and in plain JS on cpu; the gradient is
//   dx = inv (g − mean(g) − x̂ mean(g x̂)), g = γ e (means over the group),  dγ = Σ e x̂,  dβ = Σ e,
// with e = dy (linear) or dy silu'(a) (silu), computed sample by sample into a scratch block,
// with dx and (dγ, dβ) separate kernels so that tf.grad with respect to x alone (the inversion)
// skips the parameters.
import {
  registerGradient,
  util,
  type GradConfig,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type Tensor,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { GROUP_NORM_WASM_BASE64 } from './group-norm-wasm.ts';
import type { BackendWasm } from './wasm-scope.ts';

export const GROUP_NORM = 'LdinvGroupNorm';
export const GROUP_NORM_GRAD_INPUT = 'LdinvGroupNormGradInput';
export const GROUP_NORM_GRAD_PARAMS = 'LdinvGroupNormGradParams';

export type GroupNormActivation = 'linear' | 'silu';

export interface GroupNormAttrs {
  groups: number;
  epsilon: number;
  activation: GroupNormActivation;
}

/** Layout of an NHWC tensor seen as [batch, positions, channels] with `groups` channel groups. */
interface Layout {
  batch: number;
  positions: number;
  channels: number;
  groups: number;
}

function layoutOf(shape: number[], groups: number): Layout {
  const channels = shape[shape.length - 1];
  const batch = shape[0];
  if (shape.length < 2 || channels % groups !== 0) {
    throw new Error(`GroupNorm: ${groups} groups must divide the last axis of a tensor of shape [${shape}]`);
  }
  return { batch, positions: util.sizeFromShape(shape) / (batch * channels), channels, groups };
}

/**
 * The passes every GroupNorm kernel is made of, on one sample (a row-major [positions, channels]
 * block). H is how storage is addressed: a Float32Array view (plain JS) or a byte offset into the
 * wasm heap (group-norm.wat).
 */
interface Passes<H> {
  /** The sample `index` of `sampleSize` floats within tensor storage `h`. */
  sample(h: H, index: number, sampleSize: number): H;
  /** A scratch block of one sample. */
  readonly scratch: H;
  /** sumA[c] = Σ_p a[p, c], sumAB[c] = Σ_p a[p, c] b[p, c]. */
  channelSums(a: H, b: H, positions: number, sumA: Float64Array, sumAB: Float64Array): void;
  /** out[p, c] = s[c] a[p, c] + t[c] b[p, c] + u[c]. */
  affine2(a: H, b: H, out: H, positions: number, s: Float32Array, t: Float32Array, u: Float32Array): void;
  /** out[p, c] = silu(s[c] x[p, c] + u[c]). */
  siluAffine(x: H, out: H, positions: number, s: Float32Array, u: Float32Array): void;
  /** g[p, c] = dy[p, c] silu'(s[c] x[p, c] + u[c]). */
  siluGrad(dy: H, x: H, g: H, positions: number, s: Float32Array, u: Float32Array): void;
}

const sigmoid = (a: number) => 1 / (1 + Math.exp(-a));

function jsPasses(sampleSize: number): Passes<Float32Array> {
  return {
    sample: (h, index, size) => h.subarray(index * size, (index + 1) * size),
    scratch: new Float32Array(sampleSize),
    channelSums(a, b, positions, sumA, sumAB) {
      const channels = sumA.length;
      sumA.fill(0);
      sumAB.fill(0);
      for (let p = 0, o = 0; p < positions; p++, o += channels) {
        for (let c = 0; c < channels; c++) {
          const v = a[o + c];
          sumA[c] += v;
          sumAB[c] += v * b[o + c];
        }
      }
    },
    affine2(a, b, out, positions, s, t, u) {
      const channels = s.length;
      for (let p = 0, o = 0; p < positions; p++, o += channels) {
        for (let c = 0; c < channels; c++) out[o + c] = s[c] * a[o + c] + t[c] * b[o + c] + u[c];
      }
    },
    siluAffine(x, out, positions, s, u) {
      const channels = s.length;
      for (let p = 0, o = 0; p < positions; p++, o += channels) {
        for (let c = 0; c < channels; c++) {
          const a = s[c] * x[o + c] + u[c];
          out[o + c] = a * sigmoid(a);
        }
      }
    },
    siluGrad(dy, x, g, positions, s, u) {
      const channels = s.length;
      for (let p = 0, o = 0; p < positions; p++, o += channels) {
        for (let c = 0; c < channels; c++) {
          const a = s[c] * x[o + c] + u[c];
          const sg = sigmoid(a);
          g[o + c] = dy[o + c] * sg * (1 + a * (1 - sg));
        }
      }
    },
  };
}

/** Per-sample scratch and statistics of the kernels below. */
class Work {
  readonly mean: Float64Array;
  readonly inv: Float64Array;
  readonly sumA: Float64Array;
  readonly sumAB: Float64Array;
  readonly sumX: Float64Array;
  readonly sumXX: Float64Array;
  /** Coefficients of the forward map a = s x + u. */
  readonly fs: Float32Array;
  readonly fu: Float32Array;
  /** Coefficients of the gradient pass dx = s e + t x + u. */
  readonly s: Float32Array;
  readonly t: Float32Array;
  readonly u: Float32Array;
  readonly groupOf: Int32Array;
  readonly size: number;

  constructor(readonly l: Layout, readonly epsilon: number) {
    this.mean = new Float64Array(l.groups);
    this.inv = new Float64Array(l.groups);
    [this.sumA, this.sumAB, this.sumX, this.sumXX] = [0, 1, 2, 3].map(() => new Float64Array(l.channels));
    [this.fs, this.fu, this.s, this.t, this.u] = [0, 1, 2, 3, 4].map(() => new Float32Array(l.channels));
    const width = l.channels / l.groups;
    this.groupOf = Int32Array.from({ length: l.channels }, (_, c) => Math.floor(c / width));
    this.size = l.positions * l.channels;
  }

  /** Group statistics of sample x (mean, inv) and the forward map's coefficients (fs, fu). */
  stats<H>(passes: Passes<H>, x: H, gamma: Float32Array, beta: Float32Array): void {
    const { channels, groups, positions } = this.l;
    passes.channelSums(x, x, positions, this.sumX, this.sumXX);
    const width = channels / groups;
    const count = positions * width;
    for (let k = 0; k < groups; k++) {
      let s = 0;
      let q = 0;
      for (let c = k * width; c < (k + 1) * width; c++) {
        s += this.sumX[c];
        q += this.sumXX[c];
      }
      this.mean[k] = s / count;
      this.inv[k] = 1 / Math.sqrt(Math.max(q / count - this.mean[k] * this.mean[k], 0) + this.epsilon);
    }
    for (let c = 0; c < channels; c++) {
      const k = this.groupOf[c];
      this.fs[c] = gamma[c] * this.inv[k];
      this.fu[c] = beta[c] - this.mean[k] * gamma[c] * this.inv[k];
    }
  }

  /**
   * What both gradient kernels need of sample b: its statistics (stats), the upstream gradient
   * e = dy (linear) or dy silu'(a) (silu), returned, and sumA = Σ_p e, sumAB = Σ_p e x per channel.
   */
  gradientSums<H>(passes: Passes<H>, dy: H, x: H, b: number, gamma: Float32Array, beta: Float32Array, activation: GroupNormActivation): H {
    const xb = passes.sample(x, b, this.size);
    const dyb = passes.sample(dy, b, this.size);
    this.stats(passes, xb, gamma, beta);
    let e = dyb;
    if (activation === 'silu') {
      passes.siluGrad(dyb, xb, passes.scratch, this.l.positions, this.fs, this.fu);
      e = passes.scratch;
    }
    passes.channelSums(e, xb, this.l.positions, this.sumA, this.sumAB);
    return e;
  }
}

/** y = γ (x − μ) inv + β, or silu of it. */
export function groupNormForward<H>(
  passes: Passes<H>, x: H, gamma: Float32Array, beta: Float32Array, l: Layout, epsilon: number, activation: GroupNormActivation, y: H,
): void {
  const w = new Work(l, epsilon);
  for (let b = 0; b < l.batch; b++) {
    const xb = passes.sample(x, b, w.size);
    const yb = passes.sample(y, b, w.size);
    w.stats(passes, xb, gamma, beta);
    if (activation === 'silu') passes.siluAffine(xb, yb, l.positions, w.fs, w.fu);
    else passes.affine2(xb, xb, yb, l.positions, w.fs, w.t, w.fu); // t = 0
  }
}

/**
 * dx = inv (g − m1 − x̂ inv m2) with g = γ e, m1 = mean(g), m2 = mean(g (x − μ)) = mean(g x̂)/inv,
 * folded per channel into dx = s_c e + t_c x + u_c.
 */
export function groupNormGradInput<H>(
  passes: Passes<H>, dy: H, x: H, gamma: Float32Array, beta: Float32Array, l: Layout, epsilon: number, activation: GroupNormActivation, dx: H,
): void {
  const w = new Work(l, epsilon);
  const count = l.positions * (l.channels / l.groups);
  const sg = new Float64Array(l.groups);
  const sgx = new Float64Array(l.groups);
  for (let b = 0; b < l.batch; b++) {
    const e = w.gradientSums(passes, dy, x, b, gamma, beta, activation);
    sg.fill(0);
    sgx.fill(0);
    for (let c = 0; c < l.channels; c++) {
      sg[w.groupOf[c]] += gamma[c] * w.sumA[c];
      sgx[w.groupOf[c]] += gamma[c] * w.sumAB[c];
    }
    for (let c = 0; c < l.channels; c++) {
      const k = w.groupOf[c];
      const m1 = sg[k] / count;
      const m2 = sgx[k] / count - w.mean[k] * m1;
      const inv3 = w.inv[k] * w.inv[k] * w.inv[k];
      w.s[c] = w.inv[k] * gamma[c];
      w.t[c] = -inv3 * m2;
      w.u[c] = -w.inv[k] * m1 + inv3 * m2 * w.mean[k];
    }
    passes.affine2(e, passes.sample(x, b, w.size), passes.sample(dx, b, w.size), l.positions, w.s, w.t, w.u);
  }
}

/** [dγ; dβ] as one [2, channels] array: dγ = Σ e x̂, dβ = Σ e over samples and positions. */
export function groupNormGradParams<H>(
  passes: Passes<H>, dy: H, x: H, gamma: Float32Array, beta: Float32Array, l: Layout, epsilon: number, activation: GroupNormActivation, out: Float32Array,
): void {
  const w = new Work(l, epsilon);
  const dGamma = new Float64Array(l.channels);
  const dBeta = new Float64Array(l.channels);
  for (let b = 0; b < l.batch; b++) {
    w.gradientSums(passes, dy, x, b, gamma, beta, activation);
    for (let c = 0; c < l.channels; c++) {
      const k = w.groupOf[c];
      dGamma[c] += w.inv[k] * (w.sumAB[c] - w.mean[k] * w.sumA[c]);
      dBeta[c] += w.sumA[c];
    }
  }
  out.set(dGamma, 0);
  out.set(dBeta, l.channels);
}

// ---- kernels: the same arithmetic on either backend's float32 storage ----

interface WasmExports {
  channelSums(a: number, b: number, positions: number, channels: number, sumA: number, sumAB: number): void;
  affine2(a: number, b: number, out: number, positions: number, channels: number, s: number, t: number, u: number): void;
  siluAffine(x: number, out: number, positions: number, channels: number, s: number, u: number): void;
  siluGrad(dy: number, x: number, g: number, positions: number, channels: number, s: number, u: number): void;
}

/** The slice of the WebAssembly JS API used here (tsconfig has no DOM lib to declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const webAssembly = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

// One instance per heap: a backend re-created by initBackend gets its own.
const instances = new WeakMap<WasmMemory, WasmExports>();

function wasmExports(memory: WasmMemory): WasmExports {
  let e = instances.get(memory);
  if (e === undefined) {
    // 1.4 kB: synchronous compilation is cheap and keeps the kernels synchronous.
    const module = new webAssembly.Module(Buffer.from(GROUP_NORM_WASM_BASE64, 'base64'));
    e = new webAssembly.Instance(module, { env: { memory } }).exports as WasmExports;
    instances.set(memory, e);
  }
  return e;
}

type EmscriptenHeap = { asm: { memory: WasmMemory }; _malloc(n: number): number; _free(p: number): void };

/**
 * SIMD passes on tensors in the wasm heap (byte offsets). Per-channel arrays and the sample
 * scratch live in a block malloc'd for one kernel call; heap views are taken per use, after every
 * allocation of the call.
 */
function withWasmPasses<R>(backend: BackendWasm, channels: number, sampleSize: number, body: (passes: Passes<number>) => R): R {
  const heap = backend.wasm as unknown as EmscriptenHeap;
  const e = wasmExports(heap.asm.memory);
  const block = heap._malloc(channels * (2 * 8 + 3 * 4) + 4 * sampleSize);
  const [sumA, sumAB] = [block, block + 8 * channels];
  const [s, t, u] = [0, 1, 2].map((i) => block + 16 * channels + 4 * channels * i);
  const scratch = block + 28 * channels;
  const buffer = () => heap.asm.memory.buffer;
  const coefficients = (...vs: Float32Array[]) => {
    const f = new Float32Array(buffer(), s, 3 * channels);
    vs.forEach((v, i) => f.set(v, i * channels));
  };
  try {
    return body({
      sample: (h, index, size) => h + 4 * index * size,
      scratch,
      channelSums(a, b, positions, outA, outAB) {
        e.channelSums(a, b, positions, channels, sumA, sumAB);
        outA.set(new Float64Array(buffer(), sumA, channels));
        outAB.set(new Float64Array(buffer(), sumAB, channels));
      },
      affine2(a, b, out, positions, sv, tv, uv) {
        coefficients(sv, tv, uv);
        e.affine2(a, b, out, positions, channels, s, t, u);
      },
      siluAffine(x, out, positions, sv, uv) {
        coefficients(sv, uv);
        e.siluAffine(x, out, positions, channels, s, t);
      },
      siluGrad(dy, x, g, positions, sv, uv) {
        coefficients(sv, uv);
        e.siluGrad(dy, x, g, positions, channels, s, t);
      },
    });
  } finally {
    heap._free(block);
  }
}

function requireFloat32(...ts: TensorInfo[]): void {
  for (const t of ts) if (t.dtype !== 'float32') throw new Error(`GroupNorm: expected float32 tensors, got ${t.dtype}`);
}

type KernelArgs = { inputs: Record<string, TensorInfo>; backend: KernelBackend; attrs: NamedAttrMap };

/**
 * Allocates the output and runs `body` with the backend's passes (wasm SIMD where the channels
 * allow, else plain JS), the storage handle of any input and of the output, and a view of the output.
 */
type Run = (
  x: TensorInfo, outShape: number[], body: <H>(passes: Passes<H>, h: (t: TensorInfo) => H, out: H, outView: () => Float32Array) => void,
) => TensorInfo;

const sampleSizeOf = (x: TensorInfo) => util.sizeFromShape(x.shape) / x.shape[0];

function cpuRun(backend: KernelBackend): Run {
  const cpu = backend as unknown as { data: { get(id: object): { values: Float32Array } }; makeTensorInfo(s: number[], d: 'float32', v: Float32Array): TensorInfo };
  return (x, outShape, body) => {
    const view = new Float32Array(util.sizeFromShape(outShape));
    body(jsPasses(sampleSizeOf(x)), (t) => cpu.data.get(t.dataId).values, view, () => view);
    return cpu.makeTensorInfo(outShape, 'float32', view);
  };
}

function wasmRun(backend: KernelBackend): Run {
  const wasm = backend as BackendWasm;
  return (x, outShape, body) => {
    const out = wasm.makeOutput(outShape, 'float32');
    const channels = x.shape[x.shape.length - 1];
    const outView = () => wasm.typedArrayFromHeap(out) as Float32Array;
    if (channels % 4 !== 0) {
      // Views after makeOutput, which may grow (and so detach) the heap.
      body(jsPasses(sampleSizeOf(x)), (t) => wasm.typedArrayFromHeap(t) as Float32Array, outView(), outView);
    } else {
      const offset = (t: TensorInfo) => wasm.dataIdMap.get(t.dataId)!.memoryOffset;
      withWasmPasses(wasm, channels, sampleSizeOf(x), (passes) => body(passes, offset, offset(out), outView));
    }
    return out;
  };
}

function kernels(backendName: 'cpu' | 'wasm'): KernelConfig[] {
  const runOf = backendName === 'wasm' ? wasmRun : cpuRun;
  // γ, β and the [2, C] parameter gradient are small: copied out and written as plain views.
  const small = (backend: KernelBackend, t: TensorInfo) => (backendName === 'wasm'
    ? ((backend as BackendWasm).typedArrayFromHeap(t) as Float32Array)
    : (backend as unknown as { data: { get(id: object): { values: Float32Array } } }).data.get(t.dataId).values).slice();
  const config = (kernelName: string, kernelFunc: (args: KernelArgs) => TensorInfo): KernelConfig =>
    ({ kernelName, backendName, kernelFunc: kernelFunc as unknown as KernelFunc });
  const settings = (x: TensorInfo, attrs: NamedAttrMap) => {
    const { groups, epsilon, activation } = attrs as unknown as GroupNormAttrs;
    return { l: layoutOf(x.shape, groups), epsilon, activation };
  };
  return [
    config(GROUP_NORM, ({ inputs: { x, gamma, beta }, backend, attrs }) => {
      requireFloat32(x, gamma, beta);
      const { l, epsilon, activation } = settings(x, attrs);
      return runOf(backend)(x, x.shape, (passes, h, out) =>
        groupNormForward(passes, h(x), small(backend, gamma), small(backend, beta), l, epsilon, activation, out));
    }),
    config(GROUP_NORM_GRAD_INPUT, ({ inputs: { dy, x, gamma, beta }, backend, attrs }) => {
      requireFloat32(dy, x, gamma, beta);
      const { l, epsilon, activation } = settings(x, attrs);
      return runOf(backend)(x, x.shape, (passes, h, out) =>
        groupNormGradInput(passes, h(dy), h(x), small(backend, gamma), small(backend, beta), l, epsilon, activation, out));
    }),
    config(GROUP_NORM_GRAD_PARAMS, ({ inputs: { dy, x, gamma, beta }, backend, attrs }) => {
      requireFloat32(dy, x, gamma, beta);
      const { l, epsilon, activation } = settings(x, attrs);
      const params = new Float32Array(2 * l.channels);
      return runOf(backend)(x, [2, l.channels], (passes, h, _out, outView) => {
        groupNormGradParams(passes, h(dy), h(x), small(backend, gamma), small(backend, beta), l, epsilon, activation, params);
        outView().set(params);
      });
    }),
  ];
}

export const GROUP_NORM_CPU_KERNELS: readonly KernelConfig[] = kernels('cpu');
export const GROUP_NORM_WASM_KERNELS: readonly KernelConfig[] = kernels('wasm');

const groupNormGradient: GradConfig = {
  kernelName: GROUP_NORM,
  inputsToSave: ['x', 'gamma', 'beta'],
  gradFunc: (dy, [x, gamma, beta], attrs) => {
    const inputs = { dy: dy as Tensor, x, gamma, beta };
    const params = () => tf.engine().runKernel(GROUP_NORM_GRAD_PARAMS, inputs, attrs as NamedAttrMap) as Tensor;
    const channels = x.shape[x.shape.length - 1];
    return {
      x: () => tf.engine().runKernel(GROUP_NORM_GRAD_INPUT, inputs, attrs as NamedAttrMap) as Tensor,
      gamma: () => tf.reshape(tf.slice(params(), [0, 0], [1, channels]), [channels]),
      beta: () => tf.reshape(tf.slice(params(), [1, 0], [1, channels]), [channels]),
    };
  },
};

export function registerGroupNormGradient(): void {
  registerGradient(groupNormGradient);
}

/** Whether the active backend has the fused GroupNorm kernel (cpu, wasm); others compose tfjs ops. */
export function hasGroupNormKernel(): boolean {
  return tf.getKernel(GROUP_NORM, tf.getBackend()) != null;
}

/**
 * y = γ x̂ + β over groups of the last axis of x (NHWC), then SiLU if asked, by the fused kernel;
 * see hasGroupNormKernel.
 */
export function groupNormFused<T extends Tensor>(
  x: T, gamma: Tensor, beta: Tensor, groups: number, epsilon: number, activation: GroupNormActivation = 'linear',
): T {
  const attrs: GroupNormAttrs = { groups, epsilon, activation };
  return tf.engine().runKernel(GROUP_NORM, { x, gamma, beta }, attrs as unknown as NamedAttrMap) as T;
}
