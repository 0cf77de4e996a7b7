import { hashSeed, tf } from '@ldinv/tensor';
import type { Denoiser } from './denoiser.ts';
import type { LatentWhitening } from './latent-whitening.ts';
import type { PriorManifest } from './manifest.ts';
import { ddimSample, type EpsPredictor } from './samplers.ts';
import { Scheduler } from './scheduler.ts';
import type { Vae } from './vae.ts';

export interface SampleOptions {
  count: number;
  /** DDIM steps S. */
  steps: number;
  seed: number;
  /** 0 (default) = deterministic DDIM. */
  eta?: number;
  /** First timestep as a fraction of T (default: the manifest's schedule). */
  startFraction?: number;
}

/** The contract optim codes against (see notes/prior-api.md). */
export interface Prior {
  readonly manifest: PriorManifest;
  readonly scheduler: Scheduler;
  /** z [B, h, w, c] (unit-variance latent) -> ln K [B, ny, nx]. Differentiable in z. */
  decode(z: tf.Tensor4D): tf.Tensor3D;
  /** ln K [B, ny, nx] -> z [B, h, w, c] (scaled posterior mean). */
  encode(logK: tf.Tensor3D): tf.Tensor4D;
  /** ε-prediction; t integer timesteps [B] in [0, T). Differentiable in zt. */
  denoise(zt: tf.Tensor4D, t: tf.Tensor1D): tf.Tensor4D;
  /** DDIM samples z0 [count, h, w, c] from N(0, I) noise drawn from seed (η = 0: the Gaussian skip integrated exactly). */
  sample(opts: SampleOptions): tf.Tensor4D;
  /** Deterministic (η = 0) DDIM chain zT -> z0, differentiable in zT. */
  ddimChain(zT: tf.Tensor4D, steps: number, startFraction?: number): tf.Tensor4D;
  dispose(): void;
}

/**
 * LD-DIM prior: a VAE for ln K and a latent ε-denoiser, glued by the manifest's scales.
 * The prior's latent z is the VAE's posterior mean u either whitened (manifest
 * latentWhitening 'dct', see latent-whitening.ts) or scaled, z = latentScale · u.
 */
export class LatentPrior implements Prior {
  readonly scheduler: Scheduler;

  constructor(
    readonly manifest: PriorManifest,
    readonly vae: Vae,
    readonly denoiser: Denoiser | null,
    readonly whitening: LatentWhitening | null = null,
  ) {
    this.scheduler = new Scheduler(manifest.schedule);
    if ((manifest.latentWhitening === 'dct') !== (whitening !== null)) {
      throw new Error(`prior ${manifest.name}: manifest latentWhitening is ${manifest.latentWhitening ?? 'none'} but a whitening was${whitening ? '' : ' not'} given`);
    }
  }

  /** VAE latent u -> prior latent z. */
  toPriorLatent(u: tf.Tensor4D): tf.Tensor4D {
    return this.whitening ? this.whitening.apply(u) : tf.mul(u, this.manifest.latentScale);
  }

  /** Prior latent z -> VAE latent u. */
  toVaeLatent(z: tf.Tensor4D): tf.Tensor4D {
    return this.whitening ? this.whitening.invert(z) : tf.div(z, this.manifest.latentScale);
  }

  decode(z: tf.Tensor4D): tf.Tensor3D {
    const { mean, std } = this.manifest.standardise;
    return tf.tidy(() => tf.add(tf.mul(this.vae.decode(this.toVaeLatent(z)), std), mean));
  }

  encode(logK: tf.Tensor3D): tf.Tensor4D {
    const { mean, std } = this.manifest.standardise;
    return tf.tidy(() => this.toPriorLatent(this.vae.encode(tf.div(tf.sub(logK, mean), std)).mean));
  }

  denoise(zt: tf.Tensor4D, t: tf.Tensor1D): tf.Tensor4D {
    return this.requireDenoiser().predict(zt, t);
  }

  /** ε_θ with one timestep shared by the batch, for the samplers. */
  epsPredictor(): EpsPredictor {
    const net = this.requireDenoiser();
    return (x, t) => tf.tidy(() => net.predict(x, tf.fill([x.shape[0]], t, 'int32') as tf.Tensor1D));
  }

  sample(opts: SampleOptions): tf.Tensor4D {
    if (!(Number.isInteger(opts.count) && opts.count > 0)) throw new Error(`sample: count must be an integer > 0, got ${opts.count}`);
    const [h, w, c] = this.manifest.latentShape;
    return tf.tidy(() => {
      const zT = tf.randomNormal([opts.count, h, w, c], 0, 1, 'float32', hashSeed(`${opts.seed}:zT`)) as tf.Tensor4D;
      const eta = opts.eta ?? 0;
      return ddimSample(this.epsPredictor(), this.scheduler, zT, {
        steps: opts.steps,
        eta,
        startFraction: opts.startFraction,
        seed: opts.seed,
        exactSkip: eta === 0 && this.hasGaussianSkip(),
      });
    });
  }

  ddimChain(zT: tf.Tensor4D, steps: number, startFraction?: number): tf.Tensor4D {
    return ddimSample(this.epsPredictor(), this.scheduler, zT, { steps, eta: 0, startFraction, exactSkip: this.hasGaussianSkip() });
  }

  /** Deterministic chains integrate the denoiser's Gaussian skip exactly (Scheduler.skipExactStep). */
  private hasGaussianSkip(): boolean {
    return this.requireDenoiser().config.gaussianSkip === true;
  }

  private requireDenoiser(): Denoiser {
    if (!this.denoiser) throw new Error(`prior ${this.manifest.name}: no denoiser trained yet (run ldinv train --stage diffusion)`);
    return this.denoiser;
  }

  dispose(): void {
    this.vae.dispose();
    this.denoiser?.dispose();
    this.whitening?.dispose();
  }
}
