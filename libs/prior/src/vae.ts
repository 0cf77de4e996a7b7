import { tf } from '@ldinv/tensor';
import { conv, groupNorm, pixelShuffle, pixelUnshuffle, resBlock, upsampleConv } from './layers.ts';
import { ParamStore, Scope } from './params.ts';

/** Architecture of the convolutional VAE (all sizes in cells / channels). */
export interface VaeConfig {
  /** Cells per side folded into channels at the input and unfolded at the output (pixel shuffle). */
  shuffle: number;
  /** Channels per level after the shuffle; each further level halves the resolution. */
  channels: number[];
  /** Residual blocks per level in the encoder. */
  encoderBlocks: number;
  /** Residual blocks per level in the decoder. */
  decoderBlocks: number;
  /** Latent channels c of the [h, w, c] latent. */
  latentChannels: number;
  /** GroupNorm groups (reduced to a divisor of the channel count where needed). */
  groups: number;
  /**
   * Two-phase output head: the two (standardised) values of a bimaterial field. The
   * decoder then ends in lo − m + (hi − lo + 2m)·sigmoid(·), m = 1 % of the gap, so cells
   * away from interfaces saturate at a phase (reachable at finite input) instead of
   * hovering between them. Absent or null: a linear output.
   */
  outputRange?: [number, number] | null;
}

/** Default architecture for 64 x 64 fields: latent [16, 16, c]. */
export const DEFAULT_VAE_CONFIG: VaeConfig = {
  shuffle: 2,
  channels: [32, 64],
  encoderBlocks: 1,
  decoderBlocks: 1,
  latentChannels: 4,
  groups: 8,
};

/** Total down-sampling factor from the grid to the latent. */
export function vaeFactor(cfg: VaeConfig): number {
  return cfg.shuffle * 2 ** (cfg.channels.length - 1);
}

/** Latent shape [h, w, c] for a grid, or an error naming the grid when it does not divide. */
export function vaeLatentShape(cfg: VaeConfig, ny: number, nx: number): [number, number, number] {
  const f = vaeFactor(cfg);
  if (ny % f !== 0 || nx % f !== 0) {
    throw new Error(`grid ${ny}x${nx} must be divisible by the VAE down-sampling factor ${f}`);
  }
  return [ny / f, nx / f, cfg.latentChannels];
}

/**
 * Convolutional VAE on standardised ln K. Encoder: pixel-unshuffle, residual blocks with
 * stride-2 convolutions between levels, GN-SiLU-conv to (mean, log-variance). Decoder:
 * conv, residual blocks with nearest upsampling + conv between levels, GN-SiLU-conv to
 * shuffle^2 channels, pixel shuffle. The shuffle keeps every 3x3 convolution off the full
 * grid, where it would cost the most and add the least (the fine scales of the fields).
 */
export class Vae {
  readonly store: ParamStore;

  constructor(
    readonly config: VaeConfig,
    seed = 1,
    store?: ParamStore,
  ) {
    this.store = store ?? new ParamStore(seed, 'vae weights');
  }

  /** x [B, ny, nx] (standardised) -> posterior mean and log-variance [B, h, w, c]. */
  encode(x: tf.Tensor3D): { mean: tf.Tensor4D; logvar: tf.Tensor4D } {
    const cfg = this.config;
    const s = new Scope(this.store, 'vae/enc');
    let h = conv(s.child('in'), pixelUnshuffle(x, cfg.shuffle), cfg.channels[0]);
    cfg.channels.forEach((c, level) => {
      for (let i = 0; i < cfg.encoderBlocks; i++) h = resBlock(s.child(`l${level}b${i}`), h, c, cfg.groups);
      if (level < cfg.channels.length - 1) h = conv(s.child(`down${level}`), h, cfg.channels[level + 1], 3, 2);
    });
    h = groupNorm(s.child('outnorm'), h, cfg.groups, 'silu');
    const moments = conv(s.child('out'), h, 2 * cfg.latentChannels);
    const [mean, logvar] = tf.split(moments, 2, 3) as [tf.Tensor4D, tf.Tensor4D];
    // Bounded log-variance keeps exp() finite early in training (as LDM's DiagonalGaussian).
    return { mean, logvar: tf.clipByValue(logvar, -30, 20) };
  }

  /** z [B, h, w, c] (unscaled latent) -> x [B, ny, nx] (standardised). */
  decode(z: tf.Tensor4D): tf.Tensor3D {
    const cfg = this.config;
    const s = new Scope(this.store, 'vae/dec');
    const top = cfg.channels.length - 1;
    let h = conv(s.child('in'), z, cfg.channels[top]);
    for (let level = top; level >= 0; level--) {
      for (let i = 0; i < cfg.decoderBlocks; i++) h = resBlock(s.child(`l${level}b${i}`), h, cfg.channels[level], cfg.groups);
      if (level > 0) h = upsampleConv(s.child(`up${level}`), h, cfg.channels[level - 1]);
    }
    h = groupNorm(s.child('outnorm'), h, cfg.groups, 'silu');
    const out = pixelShuffle(conv(s.child('out'), h, cfg.shuffle * cfg.shuffle), cfg.shuffle);
    if (!cfg.outputRange) return out;
    const [lo, hi] = cfg.outputRange;
    const margin = 0.01 * (hi - lo);
    return tf.add(lo - margin, tf.mul(hi - lo + 2 * margin, tf.sigmoid(out)));
  }

  /** Creates every weight by running the network once on zeros. */
  build(ny: number, nx: number): this {
    tf.tidy(() => {
      const { mean } = this.encode(tf.zeros([1, ny, nx]) as tf.Tensor3D);
      this.decode(mean);
    });
    return this;
  }

  dispose(): void {
    this.store.dispose();
  }
}

/**
 * VAE training loss per sample, normalised per grid cell: mean squared reconstruction
 * error of z ~ q(z|x) (reparameterised) plus klWeight * KL(q(z|x) || N(0, I)) / cells.
 */
export function vaeLoss(
  vae: Vae,
  x: tf.Tensor3D,
  eps: tf.Tensor4D,
  klWeight: number,
): { loss: tf.Scalar; recon: tf.Scalar; kl: tf.Scalar } {
  const { mean, logvar } = vae.encode(x);
  const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logvar, 0.5)), eps));
  const recon = tf.mean(tf.squaredDifference(vae.decode(z as tf.Tensor4D), x)) as tf.Scalar;
  const cells = x.shape[1] * x.shape[2];
  // KL of a diagonal Gaussian to N(0, I): ½ Σ (μ² + σ² − 1 − ln σ²), summed per sample.
  const klSum = tf.mul(0.5, tf.sum(tf.sub(tf.add(tf.square(mean), tf.exp(logvar)), tf.add(1, logvar))));
  const kl = tf.div(klSum, x.shape[0] * cells) as tf.Scalar;
  return { loss: tf.add(recon, tf.mul(klWeight, kl)) as tf.Scalar, recon, kl };
}
