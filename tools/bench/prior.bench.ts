// npm run bench -- prior [--quick]  (or: npx tsx tools/bench/prior.bench.ts)
// Issue 5 figures, per shipped preset (untrained weights: speed does not depend on them):
// - VAE and denoiser training throughput (samples/s: forward + backward + Adam, batch 32);
// - decode + backward to z, per member (what an inversion pays per iteration), batch 1 and 8;
// - DDIM sampling of 16 latents with 50 steps, plus decoding them.
// One wasm instance = one core; two priors train side by side on two cores.
import { TensorAdam, Denoiser, PRIOR_PRESETS, Scheduler, Vae, diffusionLoss, vaeLatentShape, vaeLoss, LatentPrior, DEFAULT_SCHEDULE } from '@ldinv/prior';
import type { PriorManifest } from '@ldinv/prior';
import { initBackend, seededNormal, tf } from '@ldinv/tensor';

const quick = process.argv.includes('--quick');
const GRID = 64;
const BATCH = 32;

function emit(figure: string, preset: string, value: number, extra: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ bench: 'prior', figure, preset, grid: GRID, value: Number(value.toPrecision(4)), ...extra }));
}

/** Median wall time (ms) of reps runs after one warm-up. */
function median(fn: () => void, reps: number): number {
  fn();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)];
}

const report = await initBackend({ backend: 'wasm' });
console.error(report.summary);
const reps = quick ? 2 : 5;

for (const name of ['gaussian-64', 'bimaterial-64']) {
  const p = PRIOR_PRESETS[name];
  const latent = vaeLatentShape(p.vae, GRID, GRID);
  const vae = new Vae(p.vae, 1).build(GRID, GRID);
  const den = new Denoiser(p.denoiser, latent[2], 2).build(latent[0], latent[1]);
  const sched = new Scheduler(DEFAULT_SCHEDULE);

  const x = seededNormal([BATCH, GRID, GRID], 1) as tf.Tensor3D;
  const eps = seededNormal([BATCH, ...latent], 2) as tf.Tensor4D;
  const vaeAdam = new TensorAdam(vae.store);
  const vaeMs = median(() => vaeAdam.minimize(() => vaeLoss(vae, x, eps, 1e-4).loss, 1e-5), reps);
  emit('vae train samples/s', name, (1000 * BATCH) / vaeMs, { batch: BATCH, weights: vae.store.size(), msPerStep: Math.round(vaeMs) });
  vaeAdam.dispose();

  const t = tf.tensor1d(Array.from({ length: BATCH }, (_, i) => Math.floor((i * 1000) / BATCH)), 'int32');
  const denAdam = new TensorAdam(den.store);
  const denMs = median(() => denAdam.minimize(() => diffusionLoss(den, sched, eps, t, eps), 1e-5), reps);
  emit('denoiser train samples/s', name, (1000 * BATCH) / denMs, { batch: BATCH, weights: den.store.size(), msPerStep: Math.round(denMs) });
  denAdam.dispose();

  const manifest: PriorManifest = {
    format: 'ldinv-prior', version: 1, name, fieldKind: 'gaussian', grid: { nx: GRID, ny: GRID }, latentShape: latent,
    standardise: { mean: 0, std: 1 }, latentScale: 1, schedule: DEFAULT_SCHEDULE, vae: p.vae, denoiser: p.denoiser,
    dataset: {}, training: {}, quality: {},
  };
  const prior = new LatentPrior(manifest, vae, den);
  for (const members of [1, 8]) {
    const z = seededNormal([members, ...latent], 3) as tf.Tensor4D;
    const probe = seededNormal([members, GRID, GRID], 4);
    const grad = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(prior.decode(v as tf.Tensor4D), probe)));
    const ms = median(() => tf.tidy(() => grad(z).dataSync()), reps);
    emit('decode+backward ms per member', name, ms / members, { members });
    tf.dispose([z, probe]);
  }
  const sampleMs = median(() => tf.tidy(() => prior.decode(prior.sample({ count: 16, steps: 50, seed: 5 })).dataSync()), quick ? 1 : 3);
  emit('ddim 16 samples x 50 steps s', name, sampleMs / 1000, { count: 16, steps: 50 });
  tf.dispose([x, eps, t]);
  prior.dispose();
}
