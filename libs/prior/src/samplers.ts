import { hashSeed, tf } from '@ldinv/tensor';
import type { Scheduler } from './scheduler.ts';

/** ε_θ(x_t, t) for one timestep shared by the batch. */
export type EpsPredictor = (x: tf.Tensor4D, t: number) => tf.Tensor4D;

export interface DdimOptions {
  /** Number of denoising steps S. */
  steps: number;
  /** 0 = deterministic DDIM; 1 = DDPM-like stochastic steps. */
  eta?: number;
  /** First timestep as a fraction of T (default: the schedule's). */
  startFraction?: number;
  /** Seed of the per-step noise (used only when eta > 0). */
  seed?: number;
  /** The predictor has the Gaussian skip: integrate it exactly (Scheduler.skipExactStep; eta = 0 only). */
  exactSkip?: boolean;
}

/** Unit Gaussian noise for step i of a sampler, a function of (seed, i) only. */
export function stepNoise(shape: number[], seed: number, i: number): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', hashSeed(`${seed}:step:${i}`));
}

/**
 * DDIM sampler (Song et al. 2021): x_T -> x_0 over the scheduler's S timesteps. A plain
 * loop of tf ops, so with eta = 0 it is differentiable in x_T under tf.grad.
 */
export function ddimSample(eps: EpsPredictor, scheduler: Scheduler, xT: tf.Tensor4D, opts: DdimOptions): tf.Tensor4D {
  const eta = opts.eta ?? 0;
  const seed = opts.seed ?? 0;
  if (opts.exactSkip && eta > 0) throw new Error(`ddim: the exact-skip step is deterministic, got eta = ${eta}`);
  const ts = scheduler.setTimesteps(opts.steps, opts.startFraction);
  return tf.tidy(() => {
    let x: tf.Tensor4D = xT;
    ts.forEach((t, i) => {
      x = tf.tidy(() => {
        if (opts.exactSkip) return scheduler.skipExactStep(eps(x, t), t, x) as tf.Tensor4D;
        const noise = eta > 0 ? stepNoise(x.shape, seed, i) : undefined;
        return scheduler.step(eps(x, t), t, x, eta, noise).prev as tf.Tensor4D;
      });
    });
    return x === xT ? tf.clone(x) : x;
  });
}

/**
 * DDPM ancestral sampler (Ho et al. 2020, Algorithm 2) over every timestep from
 * round(startFraction · (T − 1)) down to 0.
 */
export function ddpmSample(
  eps: EpsPredictor,
  scheduler: Scheduler,
  xT: tf.Tensor4D,
  opts: { startFraction?: number; seed?: number } = {},
): tf.Tensor4D {
  const start = Math.round((opts.startFraction ?? scheduler.spec.startFraction) * (scheduler.T - 1));
  const seed = opts.seed ?? 0;
  let x: tf.Tensor4D = tf.clone(xT);
  for (let t = start; t >= 0; t--) {
    const next = tf.tidy(() => {
      const noise = t > 0 ? stepNoise(x.shape, seed, t) : undefined;
      const { prev, x0 } = scheduler.ddpmStep(eps(x, t), t, x, noise);
      x0.dispose();
      return prev as tf.Tensor4D;
    });
    x.dispose();
    x = next;
  }
  return x;
}
