// A tiny untrained prior on disk (16x16, VAE decoder with random weights; a random denoiser when
// asked), so tests can run the latent methods through workers that load a prior with loadPrior, as
// real runs do.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SCHEDULE, Denoiser, LatentPrior, savePrior, Vae, type DenoiserConfig, type PriorManifest } from '@ldinv/prior';

export async function writeTinyPrior(dir = join(mkdtempSync(join(tmpdir(), 'ldinv-prior-')), 'tiny'), opts: { denoiser?: boolean } = {}): Promise<string> {
  const vae = { shuffle: 4, channels: [8], encoderBlocks: 1, decoderBlocks: 0, latentChannels: 2, groups: 2 };
  const manifest: PriorManifest = {
    format: 'ldinv-prior', version: 1, name: 'tiny', fieldKind: 'bimaterial', grid: { nx: 16, ny: 16 }, latentShape: [4, 4, 2],
    standardise: { mean: 1, std: 1 }, latentScale: 1, schedule: DEFAULT_SCHEDULE, vae, denoiser: null,
    dataset: {}, training: {}, quality: {},
  };
  const denoiserConfig: DenoiserConfig = { channels: [4], blocks: 1, groups: 2, timeDim: 8, gaussianSkip: true };
  if (opts.denoiser) manifest.denoiser = denoiserConfig;
  const denoiser = opts.denoiser ? new Denoiser(denoiserConfig, 2, 2, undefined, manifest.schedule).build(4, 4) : null;
  const prior = new LatentPrior(manifest, new Vae(vae, 1).build(16, 16), denoiser);
  await savePrior(dir, prior);
  prior.dispose();
  return dir;
}
