import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tf, writeFileAtomic } from '@ldinv/tensor';
import { DEFAULT_DENOISER_CONFIG, Denoiser, denoiserFactor, type DenoiserConfig } from './denoiser.ts';
import { fitWhitening, LatentWhitening } from './latent-whitening.ts';
import type { PriorFieldKind, PriorManifest, StageRecord } from './manifest.ts';
import { LatentPrior } from './prior.ts';
import { loadPrior, readManifest, savePrior } from './prior-io.ts';
import { measureQuality } from './prior-quality.ts';
import { phasesOf } from './quality.ts';
import { DEFAULT_SCHEDULE, Scheduler, type ScheduleSpec } from './scheduler.ts';
import { DEFAULT_DIFFUSION_STAGE, trainDiffusion } from './train-diffusion.ts';
import type { EpochRecord, LoopResult, LoopSettings, ProgressEvent } from './train-loop.ts';
import { DEFAULT_VAE_STAGE, trainVae, type VaeStageSettings } from './train-vae.ts';
import { DEFAULT_VAE_CONFIG, Vae, type VaeConfig, vaeFactor, vaeLatentShape } from './vae.ts';

/** Random access to ln K fields; the app wires a data set reader into this. */
export interface FieldSource {
  readonly count: number;
  readonly ny: number;
  readonly nx: number;
  /** Fields i0 .. i0 + n − 1, row-major [n, ny, nx]. */
  read(i0: number, n: number): Float32Array | Promise<Float32Array>;
}

/** A FieldSource over fields already in memory. */
export function arraySource(data: Float32Array, ny: number, nx: number): FieldSource {
  const cells = ny * nx;
  return { count: data.length / cells, ny, nx, read: (i0, n) => data.subarray(i0 * cells, (i0 + n) * cells) };
}

export interface TrainPriorOptions {
  name: string;
  /** Output directory: manifest.json, model.json, weights.bin, train.ndjson, checkpoints. */
  out: string;
  /** 'quality': no training; measure the quality figures of the prior in `out` again (e.g. after a
   *  sampler change) and rewrite its manifest. */
  stage: 'vae' | 'diffusion' | 'all' | 'quality';
  fieldKind: PriorFieldKind;
  train: FieldSource;
  /** Held-out fields: validation loss per epoch and the quality figures. */
  holdout: FieldSource;
  /** Generator settings of the data, copied into the manifest. */
  dataset: Record<string, unknown>;
  vae?: Partial<VaeConfig>;
  vaeStage?: Partial<VaeStageSettings>;
  denoiser?: Partial<DenoiserConfig>;
  diffusionStage?: Partial<LoopSettings>;
  schedule?: Partial<ScheduleSpec>;
  resume?: boolean;
  /** Seconds between checkpoints (default 300). */
  checkpointEverySec?: number;
  /** Whiten the latents (default true; see latent-whitening.ts) instead of only scaling them. */
  whiten?: boolean;
  /** Samples and DDIM steps for the quality figures (false: skip them). */
  quality?: { samples: number; steps: number } | false;
  /** Name of the tfjs backend, recorded in the manifest. */
  backend: string;
  onProgress?: (e: ProgressEvent) => void;
  log?: (message: string) => void;
}

async function readAll(src: FieldSource, chunk = 500): Promise<Float32Array> {
  const cells = src.ny * src.nx;
  const out = new Float32Array(src.count * cells);
  for (let i0 = 0; i0 < src.count; i0 += chunk) {
    const n = Math.min(chunk, src.count - i0);
    out.set(await src.read(i0, n), i0 * cells);
  }
  return out;
}

function meanStd(data: Float32Array): { mean: number; std: number } {
  let s = 0;
  for (let i = 0; i < data.length; i++) s += data[i];
  const mean = s / data.length;
  let q = 0;
  for (let i = 0; i < data.length; i++) q += (data[i] - mean) ** 2;
  return { mean, std: Math.sqrt(q / data.length) };
}

/** Unscaled posterior means of standardised fields, in chunks. */
function encodeMeans(vae: Vae, data: Float32Array, ny: number, nx: number, chunk = 100): Float32Array {
  const cells = ny * nx;
  const n = data.length / cells;
  const [h, w, c] = vaeLatentShape(vae.config, ny, nx);
  const out = new Float32Array(n * h * w * c);
  for (let i0 = 0; i0 < n; i0 += chunk) {
    const m = Math.min(chunk, n - i0);
    const z = tf.tidy(() => vae.encode(tf.tensor3d(data.subarray(i0 * cells, (i0 + m) * cells), [m, ny, nx])).mean);
    out.set(z.dataSync(), i0 * h * w * c);
    z.dispose();
  }
  return out;
}

/** A grid both networks can down-sample: the VAE to its latent, the denoiser that latent. */
function checkGrid(vae: VaeConfig, denoiser: DenoiserConfig, ny: number, nx: number): void {
  const [h, w] = vaeLatentShape(vae, ny, nx);
  const f = denoiserFactor(denoiser);
  if (h % f !== 0 || w % f !== 0) {
    throw new Error(`grid ${ny}x${nx} must be divisible by ${vaeFactor(vae) * f}: the denoiser down-samples its ${h}x${w} latent by ${f}`);
  }
}

/** A stage trained afresh starts its part of train.ndjson afresh too. */
function dropStageRecords(path: string, stage: string): void {
  if (!existsSync(path)) return;
  const kept = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && (JSON.parse(line) as { stage?: string }).stage !== stage);
  // Rewritten whole (the append-only log is only ever appended to otherwise), so replaced atomically.
  writeFileAtomic(path, kept.map((l) => `${l}\n`).join(''));
}

/** Prior latents z of ln K fields, in chunks. */
function encodeLatents(prior: LatentPrior, logK: Float32Array, chunk = 100): Float32Array {
  const { nx, ny } = prior.manifest.grid;
  const cells = nx * ny;
  const n = logK.length / cells;
  const size = prior.manifest.latentShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n * size);
  for (let i0 = 0; i0 < n; i0 += chunk) {
    const m = Math.min(chunk, n - i0);
    const z = tf.tidy(() => prior.encode(tf.tensor3d(logK.subarray(i0 * cells, (i0 + m) * cells), [m, ny, nx])));
    out.set(z.dataSync(), i0 * size);
    z.dispose();
  }
  return out;
}

function stageRecord(r: LoopResult, s: LoopSettings, weights: number, backend: string, extra: Record<string, unknown> = {}): StageRecord {
  return {
    epochs: s.epochs,
    batch: s.batch,
    steps: r.steps,
    lr: s.lr,
    seconds: Math.round(r.seconds),
    samplesPerSec: Number(r.samplesPerSec.toFixed(1)),
    valLoss: r.valLoss,
    weights,
    backend,
    seed: s.seed,
    warmup: s.warmup,
    lrFloor: s.lrFloor,
    emaDecay: s.emaDecay,
    ...extra,
  };
}

/**
 * Trains a prior stage by stage into opts.out. The VAE stage fixes the standardisation
 * and the latent scale; the diffusion stage trains the denoiser on the scaled latents of
 * that VAE. After each stage the prior on disk is complete and loadable.
 */
export async function trainPrior(opts: TrainPriorOptions): Promise<PriorManifest> {
  const log = opts.log ?? (() => {});
  const { ny, nx } = opts.train;
  if (opts.holdout.ny !== ny || opts.holdout.nx !== nx) throw new Error(`holdout grid ${opts.holdout.ny}x${opts.holdout.nx} differs from the training grid ${ny}x${nx}`);
  // A latent the denoiser cannot down-sample is found now, not after the VAE stage has trained.
  if (opts.stage === 'vae' || opts.stage === 'all') checkGrid({ ...DEFAULT_VAE_CONFIG, ...opts.vae }, { ...DEFAULT_DENOISER_CONFIG, ...opts.denoiser }, ny, nx);
  mkdirSync(opts.out, { recursive: true });
  const ndjson = join(opts.out, 'train.ndjson');
  const onEpoch = (r: EpochRecord) => {
    appendFileSync(ndjson, `${JSON.stringify({ ...r, time: new Date().toISOString() })}\n`);
    log(`${r.stage} epoch ${r.epoch + 1}: train ${r.trainLoss.toPrecision(4)}, validation ${r.valLoss.toPrecision(4)}, ${r.samplesPerSec.toFixed(1)} samples/s`);
  };
  const trainRaw = await readAll(opts.train);
  const holdRaw = await readAll(opts.holdout);
  const loop = { resume: opts.resume, checkpointEverySec: opts.checkpointEverySec, onProgress: opts.onProgress, onEpoch };

  if (opts.stage === 'vae' || opts.stage === 'all') {
    const settings = { ...DEFAULT_VAE_STAGE, ...opts.vaeStage };
    const standardise = meanStd(trainRaw);
    const phases = opts.fieldKind === 'bimaterial' ? phasesOf(trainRaw) : undefined;
    const vaeCfg: VaeConfig = { ...DEFAULT_VAE_CONFIG, ...opts.vae };
    // A bimaterial decoder ends in the two-phase head unless told otherwise (outputRange: null).
    if (phases && vaeCfg.outputRange === undefined) {
      vaeCfg.outputRange = [(phases[0] - standardise.mean) / standardise.std, (phases[1] - standardise.mean) / standardise.std];
    }
    const std = (d: Float32Array) => d.map((v) => (v - standardise.mean) / standardise.std);
    const trainStd = std(trainRaw);
    const vae = new Vae(vaeCfg, settings.seed);
    if (!opts.resume) {
      for (const stage of ['vae', 'diffusion']) dropStageRecords(ndjson, stage);
      // A denoiser checkpoint belongs to the latents of the VAE it was trained on.
      rmSync(join(opts.out, 'checkpoint-diffusion.bin'), { force: true });
    }
    log(`vae: ${opts.train.count} training fields, latent [${vaeLatentShape(vaeCfg, ny, nx)}]`);
    const result = await trainVae(vae, trainStd, std(holdRaw), { ny, nx }, settings, {
      ...loop,
      checkpoint: join(opts.out, 'checkpoint-vae.bin'),
    });
    const means = encodeMeans(vae, trainStd, ny, nx);
    const latentShape = vaeLatentShape(vaeCfg, ny, nx);
    const whitening = opts.whiten === false ? null : new LatentWhitening(latentShape, fitWhitening(means, ...latentShape));
    const latentScale = whitening ? 1 : 1 / meanStd(means).std;
    const manifest: PriorManifest = {
      format: 'ldinv-prior',
      version: 1,
      name: opts.name,
      fieldKind: opts.fieldKind,
      grid: { nx, ny },
      latentShape,
      standardise,
      latentScale,
      latentWhitening: whitening ? 'dct' : 'none',
      schedule: { ...DEFAULT_SCHEDULE, ...opts.schedule },
      vae: vaeCfg,
      denoiser: null,
      ...(phases ? { phases } : {}),
      dataset: { ...opts.dataset, trainCount: opts.train.count, heldOutCount: opts.holdout.count },
      training: { vae: stageRecord(result, settings, vae.store.size(), opts.backend, { klWeight: settings.klWeight }) },
      quality: {},
    };
    const prior = new LatentPrior(manifest, vae, null, whitening);
    if (opts.quality !== false) manifest.quality = measureQuality(prior, trainRaw, holdRaw, false);
    await savePrior(opts.out, prior);
    log(`vae: saved ${opts.out} (${JSON.stringify(manifest.quality)})`);
    prior.dispose();
  }

  if (opts.stage === 'diffusion' || opts.stage === 'all') {
    if (!existsSync(join(opts.out, 'manifest.json'))) throw new Error(`${opts.out}: no trained VAE (run ldinv train --stage vae first)`);
    const base = await loadPrior(opts.out);
    const m = base.manifest;
    const denCfg = { ...DEFAULT_DENOISER_CONFIG, ...opts.denoiser };
    const settings = { ...DEFAULT_DIFFUSION_STAGE, ...opts.diffusionStage };
    const zTrain = encodeLatents(base, trainRaw);
    const zHold = encodeLatents(base, holdRaw);
    const denoiser = new Denoiser(denCfg, m.latentShape[2], settings.seed, undefined, m.schedule);
    const scheduler = new Scheduler(m.schedule);
    if (!opts.resume) dropStageRecords(ndjson, 'diffusion');
    log(`diffusion: ${opts.train.count} latents [${m.latentShape}], latent std ${meanStd(zTrain).std.toFixed(3)}`);
    const result = await trainDiffusion(denoiser, scheduler, zTrain, zHold, m.latentShape, settings, {
      ...loop,
      checkpoint: join(opts.out, 'checkpoint-diffusion.bin'),
    });
    const manifest: PriorManifest = {
      ...m,
      denoiser: denCfg,
      training: { ...m.training, diffusion: stageRecord(result, settings, denoiser.store.size(), opts.backend) },
    };
    base.denoiser?.dispose();
    const prior = new LatentPrior(manifest, base.vae, denoiser, base.whitening);
    const totals = [manifest.training.vae?.seconds ?? 0, manifest.training.diffusion?.seconds ?? 0];
    manifest.training.totalSeconds = totals[0] + totals[1];
    if (opts.quality !== false) {
      log(`quality: ${opts.quality?.samples ?? 500} DDIM samples`);
      const t0 = performance.now();
      manifest.quality = measureQuality(prior, trainRaw, holdRaw, opts.quality ?? { samples: 500, steps: 50 });
      manifest.quality.seconds = Math.round((performance.now() - t0) / 1000);
    }
    await savePrior(opts.out, prior);
    log(`diffusion: saved ${opts.out}`);
    prior.dispose();
  }
  if (opts.stage === 'quality') {
    const prior = await loadPrior(opts.out);
    if (!prior.denoiser) throw new Error(`${opts.out}: no trained denoiser (run ldinv train --stage diffusion first)`);
    const sampling = opts.quality ?? { samples: 500, steps: 50 };
    log(`quality: ${sampling ? `${sampling.samples} DDIM samples` : 'reconstruction only'}`);
    const t0 = performance.now();
    prior.manifest.quality = measureQuality(prior, trainRaw, holdRaw, sampling);
    prior.manifest.quality.seconds = Math.round((performance.now() - t0) / 1000);
    writeFileAtomic(join(opts.out, 'manifest.json'), `${JSON.stringify(prior.manifest, null, 2)}\n`);
    log(`quality: rewrote ${join(opts.out, 'manifest.json')}`);
    prior.dispose();
  }
  return readManifest(opts.out);
}
