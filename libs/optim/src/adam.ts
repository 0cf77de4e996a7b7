// Adam (Kingma & Ba 2015, Algorithm 1) with a decaying learning rate. One update formula for every
// parameter kind: pixel ln K lives in a Float64Array, latent z in a Float32Array that is uploaded
// to a tensor each iteration, so there is no separate "tf variant" to drift apart.
//
// Learning-rate schedules over a horizon of K iterations (k = 0 .. K−1), lr_min = finalFraction·lr:
//   cosine:      lr_k = lr_min + ½ (lr − lr_min)(1 + cos(π k / K))      (Loshchilov & Hutter 2017)
//   exponential: lr_k = lr · finalFraction^(k / K)
//   constant:    lr_k = lr
// Past the horizon the rate stays at lr_min.

export type LearningRateSchedule = 'cosine' | 'exponential' | 'constant';

export interface AdamOptions {
  /** Initial step size, in units of the parameter (ln K for pixel, latent std for ldim). */
  learningRate: number;
  schedule: LearningRateSchedule;
  /** Learning rate at the horizon as a fraction of the initial one (dimensionless). */
  finalFraction: number;
  /** Horizon of the schedule, iterations (normally the iteration budget). */
  horizon: number;
  /** Decay of the first-moment average (dimensionless). */
  beta1: number;
  /** Decay of the second-moment average (dimensionless). */
  beta2: number;
  /** Added to √v̂, in units of the gradient. */
  epsilon: number;
}

export const ADAM_DEFAULTS: AdamOptions = {
  learningRate: 0.05,
  schedule: 'cosine',
  finalFraction: 0.05,
  horizon: 200,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
};

/** Learning rate at iteration k (0-based). */
export function learningRateAt(k: number, o: AdamOptions): number {
  const f = Math.min(k / o.horizon, 1);
  switch (o.schedule) {
    case 'cosine':
      return o.learningRate * (o.finalFraction + 0.5 * (1 - o.finalFraction) * (1 + Math.cos(Math.PI * f)));
    case 'exponential':
      return o.learningRate * o.finalFraction ** f;
    case 'constant':
      return o.learningRate;
  }
}

type Real = Float64Array | Float32Array;

/**
 * Adam state for one parameter vector (one member) held in a plain typed array: ln K, a latent z or a
 * pinn's flattened network weights. (@ldinv/prior's TensorAdam is the other Adam: it trains a prior's
 * networks, tf variables of a ParamStore, with gradient clipping and a checkpointable state.)
 */
export class ArrayAdam {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private k = 0;

  constructor(readonly size: number, readonly options: AdamOptions = ADAM_DEFAULTS) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }

  /** Iterations taken so far. */
  get iteration(): number {
    return this.k;
  }

  /** One descent step in place: params −= lr_k m̂ / (√v̂ + ε). */
  step(params: Real, grad: ArrayLike<number>): void {
    if (params.length !== this.size || grad.length !== this.size) {
      throw new Error(`Adam.step: expected ${this.size} parameters and gradients, got ${params.length} and ${grad.length}`);
    }
    const { beta1, beta2, epsilon } = this.options;
    const lr = learningRateAt(this.k, this.options);
    this.k++;
    // Bias corrections of Algorithm 1, folded into the step size and ε (Kingma & Ba §2 end).
    const c1 = 1 - beta1 ** this.k;
    const c2 = 1 - beta2 ** this.k;
    const stepSize = (lr * Math.sqrt(c2)) / c1;
    const eps = epsilon * Math.sqrt(c2);
    const { m, v } = this;
    for (let i = 0; i < this.size; i++) {
      const g = grad[i];
      m[i] = beta1 * m[i] + (1 - beta1) * g;
      v[i] = beta2 * v[i] + (1 - beta2) * g * g;
      params[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) + eps);
    }
  }
}
