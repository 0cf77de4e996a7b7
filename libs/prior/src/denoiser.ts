import { tf } from '@ldinv/tensor';
import { conv, dense, groupNorm, resBlock, silu, timestepEmbedding, upsampleConv } from './layers.ts';
import { ParamStore, Scope } from './params.ts';
import { DEFAULT_SCHEDULE, Scheduler, type ScheduleSpec } from './scheduler.ts';

/** Architecture of the latent denoiser (a small DDPM UNet). */
export interface DenoiserConfig {
  /** Channels per level; each further level halves the latent resolution. */
  channels: number[];
  /** Residual blocks per level on the way down (one more on the way up, as in DDPM). */
  blocks: number;
  /** GroupNorm groups (reduced to a divisor of the channel count where needed). */
  groups: number;
  /** Width of the time embedding MLP. */
  timeDim: number;
  /**
   * ε_θ(z, t) = √(1 − ᾱ_t) z + UNet(z, t): the skip is the exact ε of unit-variance white
   * Gaussian latents (E[ε | z_t] for z0 ~ N(0, I)), so the network learns only how the
   * (whitened) latents differ from white noise, instead of first having to learn to pass
   * z_t through at high noise, where an undertrained ε-predictor makes samples too spread.
   */
  gaussianSkip?: boolean;
}

export const DEFAULT_DENOISER_CONFIG: DenoiserConfig = { channels: [64, 96], blocks: 1, groups: 8, timeDim: 128 };

/** Down-sampling factor of the UNet: the latent's h and w must be divisible by it. */
export function denoiserFactor(cfg: DenoiserConfig): number {
  return 2 ** (cfg.channels.length - 1);
}

/**
 * ε-prediction network ε_θ(z_t, t) on latents [B, h, w, c] (Ho et al. 2020): sinusoidal
 * time embedding -> MLP, added inside every residual block; skip connections between
 * the down and up paths.
 */
export class Denoiser {
  readonly store: ParamStore;
  /** √(1 − ᾱ_t), t = 0..T−1, for the Gaussian skip. */
  private readonly skip: Float32Array | null;

  constructor(
    readonly config: DenoiserConfig,
    readonly latentChannels: number,
    seed = 2,
    store?: ParamStore,
    schedule: Partial<ScheduleSpec> = DEFAULT_SCHEDULE,
  ) {
    this.store = store ?? new ParamStore(seed, 'denoiser weights');
    this.skip = config.gaussianSkip ? Float32Array.from(new Scheduler(schedule).alphasCumprod, (ab) => Math.sqrt(1 - ab)) : null;
  }

  predict(zt: tf.Tensor4D, t: tf.Tensor1D): tf.Tensor4D {
    const cfg = this.config;
    const s = new Scope(this.store, 'denoiser');
    const top = cfg.channels.length - 1;
    const emb0 = timestepEmbedding(t, cfg.channels[0]);
    const temb = dense(s.child('time2'), silu(dense(s.child('time1'), emb0, cfg.timeDim)), cfg.timeDim);

    let h = conv(s.child('in'), zt, cfg.channels[0]);
    const skips: tf.Tensor4D[] = [h];
    cfg.channels.forEach((c, level) => {
      for (let i = 0; i < cfg.blocks; i++) {
        h = resBlock(s.child(`down${level}b${i}`), h, c, cfg.groups, temb);
        skips.push(h);
      }
      if (level < top) {
        h = conv(s.child(`down${level}`), h, c, 3, 2);
        skips.push(h);
      }
    });
    h = resBlock(s.child('mid'), h, cfg.channels[top], cfg.groups, temb);
    for (let level = top; level >= 0; level--) {
      for (let i = 0; i <= cfg.blocks; i++) {
        const skip = skips.pop() as tf.Tensor4D;
        h = resBlock(s.child(`up${level}b${i}`), tf.concat([h, skip], 3), cfg.channels[level], cfg.groups, temb);
      }
      if (level > 0) h = upsampleConv(s.child(`up${level}`), h, cfg.channels[level - 1]);
    }
    h = groupNorm(s.child('outnorm'), h, cfg.groups, 'silu');
    const out = conv(s.child('out'), h, this.latentChannels);
    if (!this.skip) return out;
    const coef = tf.reshape(tf.gather(tf.tensor1d(this.skip), tf.cast(t, 'int32')), [-1, 1, 1, 1]);
    return tf.add(tf.mul(coef, zt), out);
  }

  /** Creates every weight by running the network once on zeros. */
  build(h: number, w: number): this {
    const f = denoiserFactor(this.config);
    if (h % f !== 0 || w % f !== 0) {
      throw new Error(`latent ${h}x${w} must be divisible by the denoiser down-sampling factor ${f}`);
    }
    tf.tidy(() => {
      this.predict(tf.zeros([1, h, w, this.latentChannels]) as tf.Tensor4D, tf.zeros([1], 'int32') as tf.Tensor1D);
    });
    return this;
  }

  dispose(): void {
    this.store.dispose();
  }
}
