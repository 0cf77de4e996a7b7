import { tf } from '@ldinv/tensor';
import type { LatentPrior } from './prior.ts';
import { type FieldStats, fieldStatistics, meanRelativeL2, misclassifiedFraction } from './quality.ts';

/** Fields through encode -> decode, in chunks (ln K in, ln K out). */
export function reconstruct(prior: LatentPrior, data: Float32Array, chunk = 50): Float32Array {
  const { nx, ny } = prior.manifest.grid;
  const cells = nx * ny;
  const out = new Float32Array(data.length);
  for (let i0 = 0; i0 < data.length / cells; i0 += chunk) {
    const m = Math.min(chunk, data.length / cells - i0);
    const y = tf.tidy(() => prior.decode(prior.encode(tf.tensor3d(data.subarray(i0 * cells, (i0 + m) * cells), [m, ny, nx]))));
    out.set(y.dataSync(), i0 * cells);
    y.dispose();
  }
  return out;
}

/**
 * n decoded DDIM samples (ln K), drawn in chunks of `chunk` with seeds seed, seed + 1, ...
 * (so memory stays bounded; the first chunk equals prior.sample({count: chunk, seed})).
 */
export function sampleFields(prior: LatentPrior, n: number, steps: number, seed = 1000, chunk = 50, eta = 0): Float32Array {
  const { nx, ny } = prior.manifest.grid;
  const cells = nx * ny;
  const out = new Float32Array(n * cells);
  for (let k = 0; k * chunk < n; k++) {
    const m = Math.min(chunk, n - k * chunk);
    const y = tf.tidy(() => prior.decode(prior.sample({ count: m, steps, seed: seed + k, eta })));
    out.set(y.dataSync(), k * chunk * cells);
    y.dispose();
  }
  return out;
}

function round(x: number, digits = 4): number {
  return Number(x.toFixed(digits));
}

function roundStats(s: FieldStats): Record<string, unknown> {
  return JSON.parse(JSON.stringify(s, (_k, v) => (typeof v === 'number' ? round(v) : v)));
}

/**
 * The quality figures: VAE reconstruction of held-out fields (relative L2 of ln K;
 * misclassified cells for bimaterial) and, when sampling is given, statistics of DDIM
 * samples against the training set's, with the acceptance checks.
 */
export function measureQuality(
  prior: LatentPrior,
  train: Float32Array,
  holdout: Float32Array,
  sampling: { samples: number; steps: number } | false,
): Record<string, unknown> {
  const { nx, ny } = prior.manifest.grid;
  const cells = nx * ny;
  const phases = prior.manifest.phases;
  const recon = reconstruct(prior, holdout);
  const q: Record<string, unknown> = {
    heldOut: holdout.length / cells,
    reconstructionRelL2: round(meanRelativeL2(recon, holdout, cells)),
  };
  if (phases) q.reconstructionMisclassified = round(misclassifiedFraction(recon, holdout, phases));
  if (!sampling) return q;
  const samples = sampleFields(prior, sampling.samples, sampling.steps);
  const ref = fieldStatistics(train, ny, nx, phases);
  const got = fieldStatistics(samples, ny, nx, phases);
  const checks: Record<string, boolean> = {};
  // Continuous fields (gaussian, imported) are checked against the training set's statistics.
  if (prior.manifest.fieldKind !== 'bimaterial') {
    checks.reconstructionRelL2 = (q.reconstructionRelL2 as number) <= 0.2;
    checks.mean = Math.abs(got.mean - ref.mean) <= 0.1;
    checks.variance = Math.abs(got.variance / ref.variance - 1) <= 0.1;
    checks.correlation = Object.keys(ref.correlation).every((l) => Math.abs(got.correlation[l] - ref.correlation[l]) <= 0.05);
  } else {
    checks.reconstructionMisclassified = (q.reconstructionMisclassified as number) <= 0.02;
    checks.nearPhase = (got.nearPhase ?? 0) >= 0.95;
    checks.volumeFraction = Math.abs((got.volumeFraction ?? 0) - (ref.volumeFraction ?? 0)) <= 0.05;
  }
  return {
    ...q,
    samples: {
      count: sampling.samples, steps: sampling.steps, eta: 0, startFraction: prior.manifest.schedule.startFraction,
      // prior.sample's deterministic chain integrates a Gaussian skip exactly (Scheduler.skipExactStep)
      exactSkip: prior.denoiser?.config.gaussianSkip === true,
      ...roundStats(got),
    },
    training: roundStats(ref),
    checks,
  };
}
