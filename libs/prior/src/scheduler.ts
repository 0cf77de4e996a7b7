import { tf } from '@ldinv/tensor';

/** Noise schedule settings as stored in a prior's manifest. */
export interface ScheduleSpec {
  kind: 'cosine';
  /** Number of diffusion steps T. */
  T: number;
  /** Offset s of the cosine schedule (Nichol & Dhariwal 2021, eq. 17). */
  s: number;
  /** Upper clip of β_t; 0.999 as in the paper, so ᾱ_{T-1} is ~0 (see startFraction). */
  maxBeta: number;
  /** Default first timestep of samplers as a fraction of T (ᾱ there is small but not ~0). */
  startFraction: number;
}

export const DEFAULT_SCHEDULE: ScheduleSpec = { kind: 'cosine', T: 1000, s: 0.008, maxBeta: 0.999, startFraction: 0.95 };

/**
 * The forward process q(x_t | x_0) = N(√ᾱ_t x_0, (1 − ᾱ_t) I) and its reverse steps,
 * independent of any network (as diffusers' schedulers). Timesteps t = 0..T−1, where
 * t = 0 is already slightly noisy and "t = −1" means clean data (ᾱ = 1).
 */
export class Scheduler {
  readonly T: number;
  readonly betas: Float64Array;
  readonly alphasCumprod: Float64Array;
  readonly spec: ScheduleSpec;
  /** Descending timesteps of the last setTimesteps call. */
  timesteps: number[] = [];

  constructor(spec: Partial<ScheduleSpec> = {}) {
    this.spec = { ...DEFAULT_SCHEDULE, ...spec };
    const { T, s, maxBeta } = this.spec;
    if (!Number.isInteger(T) || T < 2) throw new Error(`schedule: T must be an integer >= 2, got ${T}`);
    // Cosine schedule: ᾱ(τ) = cos²((τ + s)/(1 + s) · π/2), β_t = 1 − ᾱ((t+1)/T)/ᾱ(t/T), clipped.
    const f = (tau: number) => Math.cos(((tau + s) / (1 + s)) * (Math.PI / 2)) ** 2;
    this.T = T;
    this.betas = new Float64Array(T);
    this.alphasCumprod = new Float64Array(T);
    let prod = 1;
    for (let t = 0; t < T; t++) {
      this.betas[t] = Math.min(1 - f((t + 1) / T) / f(t / T), maxBeta);
      prod *= 1 - this.betas[t];
      this.alphasCumprod[t] = prod;
    }
  }

  /** ᾱ_t, with ᾱ_{−1} = 1 (clean data). */
  alphaBar(t: number): number {
    if (t < 0) return 1;
    if (!Number.isInteger(t) || t >= this.T) throw new Error(`scheduler: timestep must be an integer in [-1, ${this.T}), got ${t}`);
    return this.alphasCumprod[t];
  }

  /**
   * n descending, evenly spaced timesteps from round(startFraction · (T − 1)) to 0.
   * Starting below T − 1 matters: with the cosine schedule ᾱ_{T−1} ≈ 0, and the first x0
   * prediction (x − √(1−ᾱ) ε)/√ᾱ would amplify any error in ε without bound.
   */
  setTimesteps(n: number, startFraction = this.spec.startFraction): number[] {
    if (!Number.isInteger(n) || n < 1) throw new Error(`scheduler: number of steps must be an integer >= 1, got ${n}`);
    if (!(startFraction > 0 && startFraction <= 1)) {
      throw new Error(`scheduler: startFraction must be in (0, 1], got ${startFraction}`);
    }
    const start = Math.round(startFraction * (this.T - 1));
    if (n > start + 1) throw new Error(`scheduler: ${n} steps do not fit between timestep ${start} and 0`);
    const ts: number[] = [];
    for (let i = 0; i < n; i++) ts.push(n === 1 ? start : Math.round(start - (i * start) / (n - 1)));
    this.timesteps = ts;
    return ts.slice();
  }

  /** The timestep after t in the current setTimesteps list (−1 after the last). */
  prevTimestep(t: number): number {
    const i = this.timesteps.indexOf(t);
    if (i < 0) throw new Error(`scheduler: timestep ${t} is not in the current schedule (call setTimesteps first)`);
    return i + 1 < this.timesteps.length ? this.timesteps[i + 1] : -1;
  }

  /** x_t = √ᾱ_t x0 + √(1 − ᾱ_t) ε (DDPM eq. 4), t a number or one timestep per batch item. */
  addNoise(x0: tf.Tensor, eps: tf.Tensor, t: number | tf.Tensor1D): tf.Tensor {
    return tf.tidy(() => {
      const [a, b] = this.coefficients(t, x0.rank, (ab) => [Math.sqrt(ab), Math.sqrt(1 - ab)]);
      return tf.add(tf.mul(a, x0), tf.mul(b, eps));
    });
  }

  /** x0 implied by x_t and ε: (x_t − √(1 − ᾱ_t) ε)/√ᾱ_t (DDIM eq. 9). */
  predictX0(eps: tf.Tensor, t: number, x: tf.Tensor): tf.Tensor {
    const ab = this.alphaBar(t);
    return tf.tidy(() => tf.div(tf.sub(x, tf.mul(Math.sqrt(1 - ab), eps)), Math.sqrt(ab)));
  }

  /**
   * DDIM step t -> prev (Song et al. 2021, eq. 12):
   * x_prev = √ᾱ_prev x0 + √(1 − ᾱ_prev − σ²) ε + σ z, σ = η √((1−ᾱ_prev)/(1−ᾱ_t)) √(1 − ᾱ_t/ᾱ_prev).
   * η = 0 is deterministic; η = 1 with every timestep is DDPM ancestral sampling.
   */
  step(eps: tf.Tensor, t: number, x: tf.Tensor, eta = 0, noise?: tf.Tensor, prev = this.prevTimestep(t)): { prev: tf.Tensor; x0: tf.Tensor } {
    const ab = this.alphaBar(t);
    const abPrev = this.alphaBar(prev);
    const sigma = eta * Math.sqrt((1 - abPrev) / (1 - ab)) * Math.sqrt(1 - ab / abPrev);
    if (sigma > 0 && !noise) throw new Error(`scheduler: DDIM step with eta = ${eta} needs a noise tensor`);
    const x0 = this.predictX0(eps, t, x);
    const out = tf.tidy(() => {
      const dir = tf.mul(Math.sqrt(Math.max(1 - abPrev - sigma * sigma, 0)), eps);
      const mean = tf.add(tf.mul(Math.sqrt(abPrev), x0), dir);
      return sigma > 0 && noise ? tf.add(mean, tf.mul(sigma, noise)) : mean;
    });
    return { prev: out, x0 };
  }

  /**
   * Deterministic step t -> prev for an ε-predictor with the Gaussian skip
   * ε = √(1 − ᾱ_t) x + r (denoiser.ts): the skip alone keeps x fixed along the probability-flow
   * ODE (white unit-variance latents stay white), but DDIM's first-order step scales it by
   * cos(θ_t − θ_prev) (ᾱ = cos²θ), which over 50 steps from 0.95 T shrinks the variance by ~5 %.
   * Here the skip is integrated exactly and only the residual r by the first-order
   * (exponential-integrator) rule: x_prev = x + (A(prev) − A(t)) r, A = asinh(√((1 − ᾱ)/ᾱ)).
   */
  skipExactStep(eps: tf.Tensor, t: number, x: tf.Tensor, prev = this.prevTimestep(t)): tf.Tensor {
    const ab = this.alphaBar(t);
    const area = (a: number) => Math.asinh(Math.sqrt((1 - a) / a));
    const c = area(this.alphaBar(prev)) - area(ab);
    return tf.tidy(() => tf.add(x, tf.mul(c, tf.sub(eps, tf.mul(Math.sqrt(1 - ab), x)))));
  }

  /**
   * Mean of the posterior q(x_{t−1} | x_t, x0) (DDPM eq. 7):
   * μ̃ = √ᾱ_{t−1} β_t/(1 − ᾱ_t) x0 + √α_t (1 − ᾱ_{t−1})/(1 − ᾱ_t) x_t.
   */
  posteriorMean(x0: tf.Tensor, x: tf.Tensor, t: number): tf.Tensor {
    const ab = this.alphaBar(t);
    const abPrev = this.alphaBar(t - 1);
    const beta = this.betas[t];
    const c0 = (Math.sqrt(abPrev) * beta) / (1 - ab);
    const ct = (Math.sqrt(1 - beta) * (1 - abPrev)) / (1 - ab);
    return tf.tidy(() => tf.add(tf.mul(c0, x0), tf.mul(ct, x)));
  }

  /** Variance β̃_t = (1 − ᾱ_{t−1})/(1 − ᾱ_t) β_t of that posterior (DDPM eq. 7). */
  posteriorVariance(t: number): number {
    return ((1 - this.alphaBar(t - 1)) / (1 - this.alphaBar(t))) * this.betas[t];
  }

  /** DDPM ancestral step t -> t − 1: x_{t−1} = μ̃(x̂0(ε), x_t) + √β̃_t z (no noise at t = 0). */
  ddpmStep(eps: tf.Tensor, t: number, x: tf.Tensor, noise?: tf.Tensor): { prev: tf.Tensor; x0: tf.Tensor } {
    const x0 = this.predictX0(eps, t, x);
    const mean = this.posteriorMean(x0, x, t);
    if (t === 0) return { prev: mean, x0 };
    if (!noise) throw new Error(`scheduler: DDPM step at t = ${t} needs a noise tensor`);
    const sd = Math.sqrt(this.posteriorVariance(t));
    const prev = tf.tidy(() => tf.add(mean, tf.mul(sd, noise)));
    mean.dispose();
    return { prev, x0 };
  }

  /** Per-item coefficients as a broadcastable tensor [B, 1, ...] (or scalars for a number t). */
  private coefficients(t: number | tf.Tensor1D, rank: number, f: (ab: number) => number[]): tf.Tensor[] {
    if (typeof t === 'number') return f(this.alphaBar(t)).map((v) => tf.scalar(v));
    const ts = t.dataSync();
    const k = f(this.alphaBar(ts[0])).length;
    const cols = Array.from({ length: k }, () => new Float32Array(ts.length));
    ts.forEach((ti, i) => f(this.alphaBar(ti)).forEach((v, j) => (cols[j][i] = v)));
    const shape = [ts.length, ...Array(rank - 1).fill(1)];
    return cols.map((c) => tf.tensor(c, shape));
  }
}
