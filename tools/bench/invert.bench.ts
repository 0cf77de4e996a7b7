// npm run bench -- invert  (or: npx tsx tools/bench/invert.bench.ts [--quick] [--backend wasm|cpu])
// Issue 6 figures: wall time per member-iteration of each inversion method at 64x64, 4 pumping tests,
// 100 sensors per test. ldim / vae: 8 members batched through decoder, darcySolveOp and denoiser, with
// the default prior architecture (random weights: timing does not depend on their values), on one
// thread. pixel: members one after another. Target: ldim <= 20 ms per member-iteration.
import { buildInversionProblem, invert, type InversionMethod } from '@ldinv/optim';
import {
  DEFAULT_DENOISER_CONFIG, DEFAULT_SCHEDULE, DEFAULT_VAE_CONFIG, Denoiser, LatentPrior, Vae, vaeLatentShape,
  type PriorManifest,
} from '@ldinv/prior';
import { fourierField, solveHeads, type DarcyProblem } from '@ldinv/solver';
import { initBackend, type BackendChoice } from '@ldinv/tensor';

const quick = process.argv.includes('--quick');
const backendArg = process.argv.indexOf('--backend');
const backend = (backendArg > 0 ? process.argv[backendArg + 1] : 'wasm') as BackendChoice;
const report = await initBackend({ backend });

function emit(figure: string, value: number, extra: Record<string, unknown> = {}): void {
  const line = { bench: 'invert', figure, grid: 64, value: Number(value.toPrecision(4)), backend: report.backend, ...extra };
  console.log(JSON.stringify(quick ? { ...line, quick: true } : line));
}

const grid = { nx: 64, ny: 64 };
const darcy: DarcyProblem = {
  grid,
  bc: 'flow',
  tests: [[], [{ x: 0.3, y: 0.3, rate: 1 }], [{ x: 0.7, y: 0.6, rate: 1 }], [{ x: 0.4, y: 0.75, rate: -0.5 }]],
};
const truth = fourierField(grid, { seed: 7, sigma: 1, modes: 64, maxWavenumber: 8 });
const heads = solveHeads(darcy, truth);
const sensors = Array.from({ length: 100 }, (_, k) => ({ x: 0.05 + 0.1 * (k % 10), y: 0.05 + 0.1 * Math.floor(k / 10) }));
const observations = darcy.tests.flatMap((_, test) =>
  sensors.map((p) => {
    // Nearest cell value is enough for a timing case.
    const c = Math.floor(p.y * 64) * 64 + Math.floor(p.x * 64);
    return { ...p, head: heads[test][c], sigma: 0.01, test };
  }),
);
const problem = buildInversionProblem(darcy, observations, 'bench');

const latentShape = vaeLatentShape(DEFAULT_VAE_CONFIG, 64, 64);
const manifest: PriorManifest = {
  format: 'ldinv-prior', version: 1, name: 'bench-random', fieldKind: 'gaussian', grid, latentShape,
  standardise: { mean: 0, std: 1 }, latentScale: 1, schedule: DEFAULT_SCHEDULE, vae: DEFAULT_VAE_CONFIG,
  denoiser: DEFAULT_DENOISER_CONFIG, dataset: {}, training: {}, quality: {},
};
const prior = new LatentPrior(manifest, new Vae(DEFAULT_VAE_CONFIG, 1).build(64, 64), new Denoiser(DEFAULT_DENOISER_CONFIG, latentShape[2], 2));

const iterations = quick ? 3 : 10;
const runs: { method: InversionMethod; members: number; target?: number }[] = [
  { method: 'ldim', members: 8, target: 20 },
  { method: 'vae', members: 8 },
  { method: 'pixel', members: quick ? 2 : 8 },
];
for (const { method, members, target } of runs) {
  const options = {
    method, iterations, noiseTolerance: null, stallWindow: 0, initSteps: 2,
    members: Array.from({ length: members }, (_, index) => ({ index, seed: index + 1 })),
  };
  await invert(problem, prior, { ...options, iterations: 1, members: options.members.slice(0, 1) }); // warm-up
  // Time the iterations only: ldim's DDIM start draws (initSteps) are measured apart.
  const t0 = performance.now();
  const result = await invert(problem, prior, options);
  const total = performance.now() - t0;
  const start = performance.now();
  if (method === 'ldim') await invert(problem, prior, { ...options, iterations: 1 });
  const oneIteration = performance.now() - start;
  const perIteration = method === 'ldim' ? (total - oneIteration) / (members * (iterations - 1)) : total / (members * iterations);
  emit(`${method} ms per member-iteration`, perIteration, { members, iterations, ...(target ? { targetMs: target } : {}) });
  void result;
}
