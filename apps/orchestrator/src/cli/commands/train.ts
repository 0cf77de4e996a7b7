// ldinv train: trains a prior (VAE, then latent diffusion) on a dataset written by gen-data.
import { basename, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { openDataset } from '@ldinv/fields';
import { defaultPreset, presetByName, trainPrior, type FieldSource, type ProgressEvent } from '@ldinv/prior';
import { initBackend, parseBackendChoice } from '@ldinv/tensor';
import { numberOption } from '../field-options.ts';

interface TrainOptionValues {
  data: string;
  out: string;
  stage: string;
  preset?: string;
  name?: string;
  epochs?: string;
  vaeEpochs?: string;
  diffusionEpochs?: string;
  batch?: string;
  holdout: string;
  resume?: boolean;
  checkpointEvery: string;
  emaDecay?: string;
  qualitySamples: string;
  qualitySteps: string;
  backend: string;
}

const STAGES = ['vae', 'diffusion', 'all', 'quality'] as const;

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a prior (VAE + latent diffusion) on a gen-data dataset; resumable')
    .requiredOption('--data <dir>', 'dataset directory (ldinv gen-data --out)')
    .requiredOption('--out <dir>', 'prior directory: manifest.json, model.json, weights.bin, train.ndjson, checkpoints')
    .option('--stage <stage>', `what to train: ${STAGES.join(' | ')} (quality: only measure the quality figures of --out again)`, 'all')
    .option('--preset <name>', 'architecture and settings (default: gaussian-64 or bimaterial-64 by the data kind)')
    .option('--name <name>', 'prior name in the manifest (default: the --out folder name)')
    .option('--epochs <n>', 'epochs of each stage (default: the preset)')
    .option('--vae-epochs <n>', 'epochs of the VAE stage (overrides --epochs)')
    .option('--diffusion-epochs <n>', 'epochs of the diffusion stage (overrides --epochs)')
    .option('--batch <n>', 'mini-batch size of both stages (default: the preset)')
    .option('--ema-decay <d>', 'EMA decay of the denoiser weights in [0, 1); 0 ships the raw weights (default: the preset)')
    .option('--holdout <n>', 'last n fields of the dataset are held out (validation, quality figures)', '500')
    .option('--resume', 'continue from the checkpoints in --out exactly where they stopped')
    .option('--checkpoint-every <s>', 'seconds between checkpoints', '300')
    .option('--quality-samples <n>', 'DDIM samples for the quality figures (0: skip them)', '500')
    .option('--quality-steps <n>', 'DDIM steps of those samples', '50')
    .option('--backend <name>', 'auto | tensorflow | wasm | cpu', 'auto')
    .action((o: TrainOptionValues) => train(o));
}

async function train(o: TrainOptionValues): Promise<void> {
  if (!(STAGES as readonly string[]).includes(o.stage)) throw new Error(`--stage must be one of ${STAGES.join(', ')}, got '${o.stage}'`);
  const stage = o.stage as (typeof STAGES)[number];
  const int = (name: string, v: string | undefined, min: number) => (v === undefined ? undefined : numberOption(name, v, { integer: true, min }));
  const epochs = int('epochs', o.epochs, 1);
  const vaeEpochs = int('vae-epochs', o.vaeEpochs, 1) ?? epochs;
  const diffusionEpochs = int('diffusion-epochs', o.diffusionEpochs, 1) ?? epochs;
  const batch = int('batch', o.batch, 1);
  const emaDecay = o.emaDecay === undefined ? undefined : numberOption('ema-decay', o.emaDecay, { min: 0 });
  if (emaDecay !== undefined && emaDecay >= 1) throw new Error(`--ema-decay must be in [0, 1), got ${JSON.stringify(o.emaDecay)}`);
  const holdout = int('holdout', o.holdout, 1) as number;
  const checkpointEverySec = numberOption('checkpoint-every', o.checkpointEvery, { min: 1 });
  const qualitySamples = int('quality-samples', o.qualitySamples, 0) as number;
  const qualitySteps = int('quality-steps', o.qualitySteps, 1) as number;
  const backend = await initBackend({ backend: parseBackendChoice(o.backend, '--backend') });

  const ds = openDataset(o.data);
  try {
    const { nx, ny } = ds.grid;
    if (ds.count < holdout + 2) throw new Error(`${o.data}: ${ds.count} fields are too few to hold out ${holdout} (--holdout)`);
    const nTrain = ds.count - holdout;
    const train: FieldSource = { count: nTrain, nx, ny, read: (i0, n) => ds.read(i0, n) };
    const held: FieldSource = { count: holdout, nx, ny, read: (i0, n) => ds.read(nTrain + i0, n) };
    const kind = ds.manifest.field.kind;
    const presetName = o.preset ?? defaultPreset(kind);
    const preset = presetByName(presetName);
    const bar = process.stderr.isTTY
      ? new cliProgress.SingleBar(
          {
            format: 'train {stage} [{bar}] {value}/{total} steps | epoch {epoch}/{epochs} | loss {loss} | {sps} samples/s | {eta_formatted} left',
            stream: process.stderr,
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        )
      : null;
    let barStage = '';
    const onProgress = (e: ProgressEvent) => {
      if (!bar) return;
      const payload = { stage: e.stage, epoch: e.epoch + 1, epochs: e.epochs, loss: e.loss.toPrecision(4), sps: e.samplesPerSec.toFixed(1) };
      if (barStage !== e.stage) {
        if (barStage) bar.stop();
        bar.start(e.totalSteps, e.step, payload);
        barStage = e.stage;
      } else bar.update(e.step, payload);
    };
    const log = (line: string) => {
      if (bar && barStage) bar.stop();
      barStage = '';
      process.stdout.write(`${line}\n`);
    };
    log(`train ${stage}: ${o.data} (${kind}, ${nTrain} training + ${holdout} held-out fields ${nx}x${ny}), preset ${presetName}, ${backend.summary}`);
    const manifest = await trainPrior({
      name: o.name ?? basename(resolve(o.out)),
      out: o.out,
      stage,
      fieldKind: kind,
      train,
      holdout: held,
      dataset: {
        dir: o.data, format: ds.manifest.format, field: ds.manifest.field, grid: ds.grid,
        // An imported dataset has no seed: its field names the file it came from instead.
        ...('seed' in ds.manifest ? { seed: ds.manifest.seed } : {}), count: ds.count, preset: presetName,
      },
      vae: preset.vae,
      vaeStage: { ...preset.vaeStage, ...(vaeEpochs ? { epochs: vaeEpochs } : {}), ...(batch ? { batch } : {}) },
      denoiser: preset.denoiser,
      diffusionStage: {
        ...preset.diffusionStage, ...(diffusionEpochs ? { epochs: diffusionEpochs } : {}), ...(batch ? { batch } : {}),
        ...(emaDecay === undefined ? {} : { emaDecay }),
      },
      resume: o.resume ?? false,
      checkpointEverySec,
      quality: qualitySamples > 0 ? { samples: qualitySamples, steps: qualitySteps } : false,
      backend: backend.backend,
      onProgress,
      log,
    });
    if (bar && barStage) bar.stop();
    process.stdout.write(`wrote ${o.out}: ${manifest.name}, latent [${manifest.latentShape}], quality ${JSON.stringify(manifest.quality.checks ?? manifest.quality)}\n`);
  } finally {
    ds.close();
  }
}
