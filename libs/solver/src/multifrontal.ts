// Multifrontal Cholesky A = L L^T on a FrontalPlan, run by the WebAssembly kernels of
// multifrontal.wat. The kernel memory holds one plan and one "resident" factor at a time; a
// factor that is needed again after another one was computed either restores its retained copy
// or factorises again, so callers never see a stale factor.
import { MULTIFRONTAL_WASM_BASE64 } from './multifrontal-wasm.ts';
import { valueLayout, type FrontalPlan } from './nested-dissection.ts';

interface KernelExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  factorize(header: number): number;
  solve(header: number): void;
}

/** Where the resident plan's arrays live in kernel memory (byte addresses). */
interface Residency {
  plan: FrontalPlan;
  header: number;
  values: number;
  factor: number;
  x: number;
  owner: CholeskyFactor | null;
}

/** The slice of the WebAssembly JS API used here (tsconfig has no DOM lib to declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let kernels: KernelExports | undefined;
let resident: Residency | undefined;

function instance(): KernelExports {
  // A 3 kB module: synchronous compilation is cheap and keeps the solver API synchronous.
  kernels ??= new wasm.Instance(new wasm.Module(Buffer.from(MULTIFRONTAL_WASM_BASE64, 'base64')))
    .exports as KernelExports;
  return kernels;
}

const align16 = (bytes: number): number => (bytes + 15) & ~15;

/** Lays the plan out in kernel memory (header fields as documented in multifrontal.wat). */
function makeResident(plan: FrontalPlan): Residency {
  if (resident?.plan === plan) return resident;
  const k = instance();
  const ints: [number, Int32Array | null][] = [
    [0, null], // nodeCount (a value, not an array)
    [4, plan.pivotStart], [8, plan.pivotCount], [12, plan.frontSize], [16, plan.childCount],
    [20, plan.boundaryPtr], [24, plan.boundary], [28, plan.parentRow], [32, plan.factorPtr],
    [36, plan.asmPtr], [40, plan.asmDst], [44, plan.asmSrc],
    [48, new Int32Array(plan.nodeCount + 1)], [52, new Int32Array(plan.nodeCount + 1)],
  ];
  let top = 128; // header
  const place = (bytes: number): number => {
    const at = top;
    top = align16(top + bytes);
    return at;
  };
  const addr = new Map<number, number>();
  for (const [field, arr] of ints) if (arr) addr.set(field, place(arr.byteLength));
  const values = place(valueLayout(plan.nx, plan.ny).size * 8);
  const front = place(plan.maxFront * plan.maxFront * 8);
  const stack = place(plan.stackSize * 8);
  const factor = place(plan.factorSize * 8);
  const x = place(plan.n * 8);
  const have = k.memory.buffer.byteLength;
  if (top > have) k.memory.grow(Math.ceil((top - have) / 65536));
  const header = new Int32Array(k.memory.buffer, 0, 19);
  header[0] = plan.nodeCount;
  for (const [field, arr] of ints) {
    if (!arr) continue;
    header[field / 4] = addr.get(field)!;
    new Int32Array(k.memory.buffer, addr.get(field)!, arr.length).set(arr);
  }
  header[14] = values;
  header[15] = front;
  header[16] = stack;
  header[17] = factor;
  header[18] = x;
  resident = { plan, header: 0, values, factor, x, owner: null };
  return resident;
}

export class NotPositiveDefiniteError extends Error {
  override name = 'NotPositiveDefiniteError';
}

export interface FactorOptions {
  /** Keep a copy of the factor (plan.factorSize doubles) so that solving after other
   *  factorisations costs a copy instead of a new factorisation. Default false. */
  retain?: boolean;
}

/** The Cholesky factor of the matrix with entries `values` (layout of valueLayout). */
export class CholeskyFactor {
  private retained: Float64Array | undefined;

  constructor(
    readonly plan: FrontalPlan,
    private readonly values: Float64Array,
    private readonly options: FactorOptions = {},
  ) {
    this.activate();
  }

  /** Makes this factor the resident one and returns the residency. */
  private activate(): Residency {
    const res = makeResident(this.plan);
    if (res.owner === this) return res;
    const mem = instance().memory.buffer;
    const L = new Float64Array(mem, res.factor, this.plan.factorSize);
    if (this.retained) {
      L.set(this.retained);
    } else {
      new Float64Array(mem, res.values, this.values.length).set(this.values);
      const failed = instance().factorize(res.header);
      if (failed >= 0) {
        res.owner = null;
        throw new NotPositiveDefiniteError(`matrix is not positive definite (front ${failed})`);
      }
      if (this.options.retain) this.retained = L.slice();
    }
    res.owner = this;
    return res;
  }

  /** Solves A x_t = b_t for right-hand sides in cell order; returns new arrays in cell order.
   *  A is symmetric, so this is also the adjoint solve. */
  solve(rhs: readonly ArrayLike<number>[]): Float64Array[] {
    const res = this.activate();
    const { n, perm } = this.plan;
    const X = new Float64Array(instance().memory.buffer, res.x, n);
    return rhs.map((b) => {
      if (b.length !== n) throw new Error(`right-hand side must hold ${n} values, got ${b.length}`);
      for (let c = 0; c < n; c++) X[perm[c]] = b[c];
      instance().solve(res.header);
      const x = new Float64Array(n);
      for (let c = 0; c < n; c++) x[c] = X[perm[c]];
      return x;
    });
  }
}
