// npm run bench -- invert  (or: npx tsx tools/bench/invert.bench.ts [--quick] [--backend wasm|cpu]
//   [--preset bimaterial-64|gaussian-64] [--tests 1|4])
// Issue 6 figures: wall time per member-iteration of each inversion method at 64x64 in the standard
// setting (49 sensors, one test; --tests 4 adds three pumping tests). ldim / vae: 8 members batched
// through decoder, darcySolveOp and denoiser with the shipped preset's architecture (random weights:
// timing does not depend on their values), on one thread. pixel: members one after another.
// Target: ldim <= 20 ms per member-iteration. --write-docs writes the table into docs/BENCHMARKS.md,
// block invert (or invert/VARIANT for another preset, test count or backend; bench-docs.ts).
import { buildInversionProblem, invert, type InversionMethod } from '@ldinv/optim';
import { fourierField, solveHeads, type DarcyProblem } from '@ldinv/solver';
import { initBackend, type BackendChoice } from '@ldinv/tensor';
import { docsRequested, findFigure, variantName, writeBenchDocs, type Figure } from './bench-docs.ts';
import { flag } from './invert-runs.ts';
import { randomPresetPrior } from './random-prior.ts';

const quick = process.argv.includes('--quick');
const backend = flag('backend', 'wasm') as BackendChoice;
const presetName = flag('preset', 'bimaterial-64');
const testCount = Number(flag('tests', '1'));
const variant = variantName([presetName !== 'bimaterial-64' && presetName, testCount !== 1 && `tests-${testCount}`, backend !== 'wasm' && backend]);
const writeDocs = docsRequested('invert', variant);
const figures: Figure[] = [];
const report = await initBackend({ backend });

function emit(figure: string, value: number, extra: Record<string, unknown> = {}): void {
  const line = { bench: 'invert', figure, grid: 64, preset: presetName, tests: testCount, value: Number(value.toPrecision(4)), backend: report.backend, ...extra };
  figures.push(line);
  console.log(JSON.stringify(quick ? { ...line, quick: true } : line));
}

const grid = { nx: 64, ny: 64 };
const darcy: DarcyProblem = {
  grid,
  bc: 'flow',
  tests: [[], [{ x: 0.3, y: 0.3, rate: 1 }], [{ x: 0.7, y: 0.6, rate: 1 }], [{ x: 0.4, y: 0.75, rate: -0.5 }]].slice(0, testCount),
};
const truth = fourierField(grid, { seed: 7, sigma: 1, modes: 64, maxWavenumber: 8 });
const heads = solveHeads(darcy, truth);
// The standard 7x7 sensor grid at x, y ∈ {0.125, …, 0.875}.
const sensors = Array.from({ length: 49 }, (_, k) => ({ x: 0.125 * (1 + (k % 7)), y: 0.125 * (1 + Math.floor(k / 7)) }));
const observations = darcy.tests.flatMap((_, test) =>
  sensors.map((p) => {
    // Nearest cell value is enough for a timing case.
    const c = Math.floor(p.y * 64) * 64 + Math.floor(p.x * 64);
    return { ...p, head: heads[test][c], sigma: 0.01, test };
  }),
);
const problem = buildInversionProblem(darcy, observations, 'bench');

const prior = randomPresetPrior(presetName, 64, 'bench-random');

const iterations = quick ? 3 : 10;
const runs: { method: InversionMethod; members: number; target?: number }[] = [
  { method: 'ldim', members: 8, target: 20 },
  { method: 'vae', members: 8 },
  { method: 'pixel', members: quick ? 2 : 8 },
];
const repeats = quick ? 1 : 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const { method, members, target } of runs) {
  // refineIterations 0: ldim's refine stage is pixel-space descent, timed by pixel's figure; left on,
  // its length (which depends on where the latent stage ended) would land in the difference below.
  const options = {
    method, iterations, noiseTolerance: null, stallWindow: 0, initSteps: 2, refineIterations: 0,
    members: Array.from({ length: members }, (_, index) => ({ index, seed: index + 1 })),
  };
  await invert(problem, prior, { ...options, iterations: 1, members: options.members.slice(0, 1) }); // warm-up
  // Time the iterations only: ldim's DDIM start draws (initSteps) are measured apart. The median of
  // `repeats` timings, as the machine's speed drifts from one second to the next.
  const timings: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    await invert(problem, prior, options);
    const total = performance.now() - t0;
    const start = performance.now();
    if (method === 'ldim') await invert(problem, prior, { ...options, iterations: 1 });
    const oneIteration = performance.now() - start;
    timings.push(method === 'ldim' ? (total - oneIteration) / (members * (iterations - 1)) : total / (members * iterations));
  }
  emit(`${method} ms per member-iteration`, median(timings), {
    members, iterations, repeats, range: [Math.min(...timings), Math.max(...timings)].map((v) => Number(v.toPrecision(3))),
    ...(target ? { targetMs: target } : {}),
  });
}

if (writeDocs) {
  writeBenchDocs({
    bench: 'invert', variant, backend: report.backend,
    tables: [{
      caption: `64², 49 sensors, ${testCount} pumping test${testCount > 1 ? 's' : ''}; the ${presetName} preset's networks (random weights), `
        + `one thread; median of ${repeats} timings of ${iterations} iterations.`,
      columns: ['method', 'ms per member-iteration (median)', `range of the ${repeats} timings`, 'members', 'target ms'],
      rows: runs.map(({ method, members, target }) => {
        const f = findFigure(figures, `${method} ms per member-iteration`);
        const [lo, hi] = f.range as number[];
        return [method, f.value, `${lo}–${hi}`, members, target ?? null];
      }),
    }],
  });
}
