// A prior with a shipped preset's architecture and random weights, on any grid the VAE divides:
// timing benchmarks need the networks' cost, not their training.
import { DEFAULT_SCHEDULE, Denoiser, LatentPrior, presetByName, Vae, vaeLatentShape, type PriorManifest } from '@ldinv/prior';

export function randomPresetPrior(presetName: string, n: number, name: string): LatentPrior {
  const preset = presetByName(presetName);
  const grid = { nx: n, ny: n };
  const latentShape = vaeLatentShape(preset.vae, n, n);
  const manifest: PriorManifest = {
    format: 'ldinv-prior', version: 1, name, fieldKind: 'gaussian', grid, latentShape,
    standardise: { mean: 0, std: 1 }, latentScale: 1, schedule: DEFAULT_SCHEDULE, vae: preset.vae,
    denoiser: preset.denoiser, dataset: {}, training: {}, quality: {},
  };
  return new LatentPrior(manifest, new Vae(preset.vae, 1).build(n, n), new Denoiser(preset.denoiser, latentShape[2], 2, undefined, DEFAULT_SCHEDULE));
}
