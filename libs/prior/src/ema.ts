import { tf } from '@ldinv/tensor';
import type { ParamStore } from './params.ts';

/**
 * Exponential moving average of a store's weights, w̄ <- d w̄ + (1 − d) w, with the
 * warm-up d_k = min(decay, (1 + k)/(10 + k)) so early averages do not remember the
 * random initialisation.
 */
export class Ema {
  readonly shadow = new Map<string, tf.Variable>();

  constructor(
    readonly store: ParamStore,
    readonly decay = 0.999,
  ) {
    for (const [name, w] of store.vars) this.shadow.set(name, tf.variable(tf.clone(w), false));
  }

  update(step: number): void {
    const d = Math.min(this.decay, (1 + step) / (10 + step));
    tf.tidy(() => {
      for (const [name, w] of this.store.vars) {
        const s = this.shadow.get(name) as tf.Variable;
        s.assign(tf.add(tf.mul(s, d), tf.mul(w, 1 - d)));
      }
    });
  }

  /** Runs f with the averaged weights in the store, then puts the live weights back. */
  withAverage<T>(f: () => T): T {
    const live = this.store.snapshot();
    this.store.assign(this.shadow as Map<string, tf.Tensor>);
    try {
      return f();
    } finally {
      this.store.assign(live);
      for (const t of live.values()) t.dispose();
    }
  }

  state(): Map<string, tf.Tensor> {
    const out = new Map<string, tf.Tensor>();
    for (const [name, t] of this.shadow) out.set(`ema/${name}`, t);
    return out;
  }

  restore(state: Map<string, tf.Tensor>): void {
    for (const [name, s] of this.shadow) {
      const t = state.get(`ema/${name}`);
      if (!t) throw new Error(`checkpoint: EMA weight ema/${name} is missing`);
      s.assign(t);
    }
  }

  dispose(): void {
    for (const t of this.shadow.values()) t.dispose();
  }
}
