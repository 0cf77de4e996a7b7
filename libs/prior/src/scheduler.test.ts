import { describe, expect, it } from 'vitest';
import { tf } from '@ldinv/tensor';
import { ddimSample, ddpmSample, type EpsPredictor } from './samplers.ts';
import { Scheduler } from './scheduler.ts';

const shape: [number, number, number, number] = [4, 8, 8, 2];

/** The ε a perfect denoiser would predict if it knew x0: ε = (x_t − √ᾱ_t x0)/√(1 − ᾱ_t). */
function oracle(s: Scheduler, x0: tf.Tensor): EpsPredictor {
  return (x, t) => tf.tidy(() => tf.div(tf.sub(x, tf.mul(Math.sqrt(s.alphaBar(t)), x0)), Math.sqrt(1 - s.alphaBar(t))) as tf.Tensor4D);
}

/** Exact ε-prediction for data x0 ~ N(0, σ² I): E[ε | x_t] = √(1−ᾱ) x_t / (ᾱ σ² + 1 − ᾱ). */
function gaussianEps(s: Scheduler, sigma: number): EpsPredictor {
  return (x, t) => {
    const ab = s.alphaBar(t);
    return tf.mul(x, Math.sqrt(1 - ab) / (ab * sigma * sigma + 1 - ab)) as tf.Tensor4D;
  };
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

function variance(x: tf.Tensor): number {
  return tf.tidy(() => tf.moments(x).variance.dataSync()[0]);
}

describe('cosine scheduler', () => {
  const s = new Scheduler({ T: 1000 });
  const x0 = tf.randomNormal(shape, 0, 1, 'float32', 3);
  const eps = tf.randomNormal(shape, 0, 1, 'float32', 4);

  it('decreases ᾱ from ~1 to ~0 and starts samplers at 0.95 T', () => {
    expect(s.alphasCumprod[0]).toBeGreaterThan(0.9999);
    expect(s.alphasCumprod[999]).toBeLessThan(1e-6);
    for (let t = 1; t < 1000; t++) expect(s.alphasCumprod[t]).toBeLessThan(s.alphasCumprod[t - 1]);
    const ts = s.setTimesteps(50);
    expect(ts[0]).toBe(949);
    expect(ts[49]).toBe(0);
    expect(s.alphaBar(949)).toBeGreaterThan(1e-3);
  });

  it('recovers x0 from forward noising and the known ε, per item timesteps too', () => {
    for (const t of [0, 10, 500, 949]) {
      const xt = s.addNoise(x0, eps, t);
      expect(maxAbsDiff(s.predictX0(eps, t, xt), x0)).toBeLessThan(1e-4 / Math.sqrt(s.alphaBar(t)));
    }
    const tb = tf.tensor1d([0, 100, 500, 900], 'int32');
    const xt = s.addNoise(x0, eps, tb);
    const a = tf.tensor([0, 100, 500, 900].map((t) => s.alphaBar(t)), [4, 1, 1, 1]);
    const expected = tf.add(tf.mul(tf.sqrt(a), x0), tf.mul(tf.sqrt(tf.sub(1, a)), eps));
    expect(maxAbsDiff(xt, expected)).toBeLessThan(1e-5);
  });

  it('posterior mean from the ε form equals the x0 form and the DDPM chain with known ε ends at x0', () => {
    const t = 300;
    const xt = s.addNoise(x0, eps, t);
    // ε form of DDPM eq. 11: μ = (x_t − β_t/√(1−ᾱ_t) ε)/√α_t.
    const beta = s.betas[t];
    const muEps = tf.div(tf.sub(xt, tf.mul(beta / Math.sqrt(1 - s.alphaBar(t)), eps)), Math.sqrt(1 - beta));
    expect(maxAbsDiff(s.posteriorMean(x0, xt, t), muEps)).toBeLessThan(1e-4);
    // Ancestral chain with zero noise: every step is the exact posterior mean given x0.
    const start = tf.randomNormal(shape, 0, 1, 'float32', 5) as tf.Tensor4D;
    const s2 = new Scheduler({ T: 100 });
    const out = ddpmSample(oracle(s2, x0), s2, start, { startFraction: 1, seed: 1 });
    // DDPM adds noise for t > 0; its final step (t = 0) is the posterior mean with ᾱ_{−1} = 1, i.e. x0 itself.
    expect(maxAbsDiff(out, x0)).toBeLessThan(1e-4);
  });

  it('DDIM with η = 0 and the true ε is exact for any number of steps', () => {
    const xT = tf.randomNormal(shape, 0, 1, 'float32', 6) as tf.Tensor4D;
    for (const steps of [1, 7, 50]) {
      const out = ddimSample(oracle(s, x0), s, xT, { steps, eta: 0 });
      expect(maxAbsDiff(out, x0)).toBeLessThan(1e-4);
    }
  });

  it('samples of N(0, 1) data from 0.95 T have the variance the discrete chain predicts', () => {
    // For x0 ~ N(0, 1) and the exact ε = √(1−ᾱ) x, one DDIM step is x_prev = c x + σ z with
    // c = √(ᾱ_prev ᾱ) + √(1−ᾱ_prev−σ²) √(1−ᾱ) (= cos(θ_prev − θ) at η = 0, ᾱ = cos²θ), so
    // Var x_0 = the recursion v <- c² v + σ²: 0.956 at 50 steps (DDIM's own shrinkage).
    const expectedVariance = (steps: number, eta: number) => {
      const ts = s.setTimesteps(steps);
      let v = 1;
      ts.forEach((t, i) => {
        const a = s.alphaBar(t);
        const ap = s.alphaBar(i + 1 < ts.length ? ts[i + 1] : -1);
        const sig = eta * Math.sqrt((1 - ap) / (1 - a)) * Math.sqrt(1 - a / ap);
        const c = Math.sqrt(ap * a) + Math.sqrt(Math.max(1 - ap - sig * sig, 0)) * Math.sqrt(1 - a);
        v = c * c * v + sig * sig;
      });
      return v;
    };
    const big: [number, number, number, number] = [16, 16, 16, 2];
    const xT = tf.randomNormal(big, 0, 1, 'float32', 7) as tf.Tensor4D;
    const f = gaussianEps(s, 1);
    expect(expectedVariance(50, 0)).toBeGreaterThan(0.95);
    expect(Math.abs(variance(ddimSample(f, s, xT, { steps: 50 })) - expectedVariance(50, 0))).toBeLessThan(0.05);
    expect(Math.abs(variance(ddimSample(f, s, xT, { steps: 50, eta: 1, seed: 3 })) - expectedVariance(50, 1))).toBeLessThan(0.05);
    // DDPM over every step is the η = 1 chain in the limit: variance ~1.
    const s100 = new Scheduler({ T: 100 });
    expect(Math.abs(variance(ddpmSample(gaussianEps(s100, 1), s100, xT, { seed: 4 })) - 1)).toBeLessThan(0.06);
  });

  it('the exact-skip step keeps white latents white and converges to the probability-flow solution', () => {
    const xT = tf.randomNormal(shape, 0, 1, 'float32', 8) as tf.Tensor4D;
    // N(0, 1) data: the Gaussian skip is the whole ε, the flow is the identity, and so is the chain.
    expect(maxAbsDiff(ddimSample(gaussianEps(s, 1), s, xT, { steps: 50, exactSkip: true }), xT)).toBeLessThan(1e-5);
    // N(0, σ²) data: the flow scales x_start by σ / √(ᾱ σ² + 1 − ᾱ) at the start; with the skip
    // integrated exactly, the first-order error of the residual is smaller than DDIM's and halves
    // with twice the steps.
    for (const sigma of [0.5, 2]) {
      const ab = s.alphaBar(s.setTimesteps(50)[0]);
      const exact = tf.mul(xT, sigma / Math.sqrt(ab * sigma * sigma + 1 - ab));
      const error = (steps: number, exactSkip: boolean) => maxAbsDiff(ddimSample(gaussianEps(s, sigma), s, xT, { steps, exactSkip }), exact);
      expect(error(50, true)).toBeLessThan(error(50, false));
      expect(error(100, true) / error(50, true)).toBeGreaterThan(0.4);
      expect(error(100, true) / error(50, true)).toBeLessThan(0.6);
    }
    expect(() => ddimSample(gaussianEps(s, 1), s, xT, { steps: 5, eta: 1, exactSkip: true })).toThrow(/deterministic/);
  });

  it('bounds the first x0 prediction when sampling starts at 0.95 T, unlike at T − 1', () => {
    // A denoiser that is 1 % off: starting at t = T − 1 (ᾱ ~ 1e-9) blows its error up.
    const xT = tf.randomNormal(shape, 0, 1, 'float32', 8);
    const off = (t: number) => tf.mul(gaussianEps(s, 1)(xT as tf.Tensor4D, t), 1.01);
    const at = (t: number) => tf.tidy(() => tf.max(tf.abs(s.predictX0(off(t), t, xT))).dataSync()[0]);
    expect(at(949)).toBeLessThan(5);
    expect(at(999)).toBeGreaterThan(100);
  });
});
