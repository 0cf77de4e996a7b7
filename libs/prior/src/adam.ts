import { tf } from '@ldinv/tensor';
import type { ParamStore } from './params.ts';

export interface TensorAdamOptions {
  /** Exponential decay of the first moment. */
  beta1: number;
  /** Exponential decay of the second moment. */
  beta2: number;
  /** Denominator guard ε. */
  epsilon: number;
  /** Gradients are rescaled so that their global L2 norm is at most this (0: off). */
  clipNorm: number;
}

export const DEFAULT_TENSOR_ADAM: TensorAdamOptions = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, clipNorm: 1 };

/**
 * Adam (Kingma & Ba 2015, Algorithm 1) over the weights of a ParamStore, with global-norm
 * gradient clipping. Its state (moments, step) is named by weight, so a checkpoint can
 * restore it exactly. Named apart from @ldinv/optim's ArrayAdam, which steps one plain typed array
 * (ln K, a latent z) per member with a learning-rate schedule and no tensors.
 */
export class TensorAdam {
  readonly opts: TensorAdamOptions;
  readonly m = new Map<string, tf.Variable>();
  readonly v = new Map<string, tf.Variable>();
  step = 0;

  constructor(
    readonly store: ParamStore,
    opts: Partial<TensorAdamOptions> = {},
  ) {
    this.opts = { ...DEFAULT_TENSOR_ADAM, ...opts };
    for (const [name, w] of store.vars) {
      this.m.set(name, tf.variable(tf.zerosLike(w), false));
      this.v.set(name, tf.variable(tf.zerosLike(w), false));
    }
  }

  /**
   * Computes f and its gradient with respect to every weight, applies one Adam step with
   * learning rate lr, and returns f's value and the gradient norm before clipping.
   */
  minimize(f: () => tf.Scalar, lr: number): { loss: number; gradNorm: number } {
    const names = [...this.store.vars.keys()];
    const vars = names.map((n) => this.store.vars.get(n) as tf.Variable);
    const { value, grads } = tf.variableGrads(f, vars);
    const { beta1, beta2, epsilon, clipNorm } = this.opts;
    this.step += 1;
    const normT = tf.tidy(() => tf.sqrt(tf.addN(vars.map((w) => tf.sum(tf.square(grads[w.name]))))));
    const norm = normT.dataSync()[0];
    normT.dispose();
    const scale = clipNorm > 0 && norm > clipNorm ? clipNorm / norm : 1;
    // Bias corrections folded into the step size (Algorithm 1, last lines).
    const alpha = (lr * Math.sqrt(1 - beta2 ** this.step)) / (1 - beta1 ** this.step);
    tf.tidy(() => {
      names.forEach((name, i) => {
        const w = vars[i];
        const g = scale === 1 ? grads[w.name] : tf.mul(grads[w.name], scale);
        const m = this.m.get(name) as tf.Variable;
        const v = this.v.get(name) as tf.Variable;
        m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
        v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
        w.assign(tf.sub(w, tf.div(tf.mul(m, alpha), tf.add(tf.sqrt(v), epsilon))));
      });
    });
    const loss = value.dataSync()[0];
    value.dispose();
    for (const g of Object.values(grads)) g.dispose();
    return { loss, gradNorm: norm };
  }

  /** Moments as named tensors `m/<weight>` and `v/<weight>` for a checkpoint. */
  state(): Map<string, tf.Tensor> {
    const out = new Map<string, tf.Tensor>();
    for (const [name, t] of this.m) out.set(`m/${name}`, t);
    for (const [name, t] of this.v) out.set(`v/${name}`, t);
    return out;
  }

  restore(state: Map<string, tf.Tensor>, step: number): void {
    for (const [prefix, moments] of [
      ['m', this.m],
      ['v', this.v],
    ] as const) {
      for (const [name, variable] of moments) {
        const t = state.get(`${prefix}/${name}`);
        if (!t) throw new Error(`checkpoint: optimiser state ${prefix}/${name} is missing`);
        variable.assign(t);
      }
    }
    this.step = step;
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
  }
}
