import { hashSeed, tf } from '@ldinv/tensor';

export type Init = 'lecun' | 'zeros' | 'ones';

/**
 * Named weights of one network, created on first use (as Haiku's get_parameter), so a
 * network is just a function of its inputs and a store. Each weight's initial value
 * depends only on (seed, name), never on creation order.
 */
export class ParamStore {
  readonly vars = new Map<string, tf.Variable>();
  /** Names asked for by a network since construction (to find weights no network uses). */
  readonly touched = new Set<string>();
  /** When frozen (weights came from a file), asking for a weight that is absent is an error. */
  frozen = false;
  readonly source: string;

  constructor(
    readonly seed: number,
    source = 'weights',
  ) {
    this.source = source;
  }

  param(name: string, shape: number[], init: Init): tf.Variable {
    this.touched.add(name);
    const existing = this.vars.get(name);
    if (existing) {
      if (!sameShape(existing.shape, shape)) {
        throw new Error(
          `${this.source}: weight ${name} has shape [${existing.shape.join(',')}], the network described by manifest.json expects [${shape.join(',')}]`,
        );
      }
      return existing;
    }
    if (this.frozen) throw new Error(`${this.source}: weight ${name} [${shape.join(',')}] is missing`);
    const value = tf.tidy(() => initialValue(shape, init, hashSeed(`${this.seed}:${name}`)));
    const v = tf.variable(value, true, uniqueName(name));
    value.dispose();
    this.vars.set(name, v);
    return v;
  }

  names(): string[] {
    return [...this.vars.keys()];
  }

  list(): tf.Variable[] {
    return [...this.vars.values()];
  }

  /** Number of scalar weights. */
  size(): number {
    let n = 0;
    for (const v of this.vars.values()) n += v.size;
    return n;
  }

  /** Replaces every weight's value (shapes must match); used by EMA swaps and loading. */
  assign(values: Map<string, tf.Tensor>): void {
    for (const [name, v] of this.vars) {
      const t = values.get(name);
      if (!t) throw new Error(`${this.source}: weight ${name} is missing`);
      if (!sameShape(t.shape, v.shape)) {
        throw new Error(`${this.source}: weight ${name} has shape [${t.shape.join(',')}], expected [${v.shape.join(',')}]`);
      }
      v.assign(t);
    }
  }

  /** Adds weights read from a file; they are checked against the network when it first runs. */
  load(values: Map<string, tf.Tensor>): void {
    for (const [name, t] of values) {
      const existing = this.vars.get(name);
      if (existing) existing.assign(t);
      else this.vars.set(name, tf.variable(t, true, uniqueName(name)));
    }
  }

  /** Copies of the current values (the caller disposes them). */
  snapshot(): Map<string, tf.Tensor> {
    const out = new Map<string, tf.Tensor>();
    for (const [name, v] of this.vars) out.set(name, tf.clone(v));
    return out;
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}

let variableCount = 0;
/** tfjs registers variables by name globally; several stores may hold the same weight names. */
function uniqueName(name: string): string {
  return `${name}#${variableCount++}`;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function initialValue(shape: number[], init: Init, seed: number): tf.Tensor {
  if (init === 'zeros') return tf.zeros(shape);
  if (init === 'ones') return tf.ones(shape);
  // LeCun normal: unit output variance for unit-variance inputs; GroupNorm keeps it there.
  const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  return tf.randomNormal(shape, 0, 1 / Math.sqrt(fanIn), 'float32', seed);
}

/** A name prefix into a store: `scope.child('enc').param('w', ...)` is weight `enc/w`. */
export class Scope {
  constructor(
    readonly store: ParamStore,
    readonly prefix = '',
  ) {}

  child(name: string): Scope {
    return new Scope(this.store, this.prefix ? `${this.prefix}/${name}` : name);
  }

  param(name: string, shape: number[], init: Init): tf.Variable {
    return this.store.param(this.prefix ? `${this.prefix}/${name}` : name, shape, init);
  }
}
