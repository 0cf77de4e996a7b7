// npm run bench -- scaling [--quick] [--iters 20] [--ensemble-iters 50] [--method ldim|pixel] [--case DIR]
// Issue 9's scaling study, for planning cluster runs:
// 1. One member's LD-DIM iteration (decoder + adjoint solver op + denoiser, the shipped bimaterial
//    preset's architecture with random weights: the networks are convolutional, so they run on any grid
//    divisible by 4) at 32², 64² and 128², in one thread; the growth exponent of time against unknowns.
// 2. Ensembles of 4, 16 and 64 members on 1 and 2 workers, each a fresh `ldinv invert` process on the
//    shipped bimaterial case (ldim with its shipped prior when present, else pixel); wall time and the
//    growth exponent of wall time against members.
// Writes docs/results/scaling.svg (log-log; scaling-VARIANT.svg for another workload) and prints one
// JSON line per figure; --write-docs writes the tables into docs/BENCHMARKS.md, block scaling (or
// scaling/VARIANT; bench-docs.ts).
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { buildInversionProblem, invert } from '@ldinv/optim';
import { renderLinePlot } from '@ldinv/runs';
import { fourierField, solveHeads } from '@ldinv/solver';
import { initBackend, writeFileAtomic } from '@ldinv/tensor';
import { docsRequested, figureValue, variantName, writeBenchDocs, type Figure } from './bench-docs.ts';
import { flag, runInvert } from './invert-runs.ts';
import { randomPresetPrior } from './random-prior.ts';

const quick = process.argv.includes('--quick');
const iterations = Number(flag('iters', quick ? '4' : '20'));
const ensembleIters = Number(flag('ensemble-iters', quick ? '5' : '50'));
const out = flag('out', quick ? tmpdir() : 'docs/results');
const caseDir = flag('case', 'cases/bimat64');
const method = flag('method', 'ldim');
// Any workload but the default writes a block of its own, so a trial run never overwrites the table.
const variant = variantName([
  method !== 'ldim' && method, caseDir !== 'cases/bimat64' && basename(caseDir), iterations !== 20 && `${iterations}iters`, ensembleIters !== 50 && `${ensembleIters}ensemble-iters`,
]);
const writeDocs = docsRequested('scaling', variant);
const figures: Figure[] = [];
const report = await initBackend({ backend: 'wasm' });

function emit(figure: string, value: number, extra: Record<string, unknown> = {}): void {
  const line = { bench: 'scaling', figure, value: Number(value.toPrecision(4)), backend: report.backend, ...extra };
  figures.push(line);
  console.log(JSON.stringify(quick ? { ...line, quick: true } : line));
}

/** Least-squares slope of log y against log x. */
function growthExponent(x: number[], y: number[]): number {
  const lx = x.map(Math.log);
  const ly = y.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let num = 0;
  let den = 0;
  lx.forEach((v, k) => {
    num += (v - mx) * (ly[k] - my);
    den += (v - mx) ** 2;
  });
  return num / den;
}

// 1. One member's iteration against grid size.
const grids = [32, 64, 128];
const perIteration: number[] = [];
for (const n of grids) {
  const grid = { nx: n, ny: n };
  const darcy = { grid, bc: 'flow' as const, tests: [[]] };
  const heads = solveHeads(darcy, fourierField(grid, { seed: 7, sigma: 1, modes: 64, maxWavenumber: 8 }));
  const observations = Array.from({ length: 49 }, (_, k) => {
    const x = 0.125 * (1 + (k % 7));
    const y = 0.125 * (1 + Math.floor(k / 7));
    return { x, y, head: heads[0][Math.floor(y * n) * n + Math.floor(x * n)], sigma: 0.01, test: 0 };
  });
  const problem = buildInversionProblem(darcy, observations, 'scaling');
  const prior = randomPresetPrior('bimaterial-64', n, 'scaling-random');
  const options = { method: 'ldim' as const, noiseTolerance: null, stallWindow: 0, initSteps: 2, members: [{ index: 0, seed: 1 }] };
  await invert(problem, prior, { ...options, iterations: 2 }); // warm-up
  const t0 = performance.now();
  await invert(problem, prior, { ...options, iterations: 1 });
  const t1 = performance.now();
  await invert(problem, prior, { ...options, iterations: iterations + 1 });
  const ms = (performance.now() - t1 - (t1 - t0)) / iterations;
  perIteration.push(ms);
  emit('ldim ms per iteration, one member', ms, { grid: n, unknowns: n * n, iterations });
  emit('ldim s per 200-iteration member (from the per-iteration time)', (200 * ms) / 1000, { grid: n });
  prior.dispose();
}
const gridExponent = growthExponent(grids.map((n) => n * n), perIteration);
emit('growth exponent of iteration time in unknowns (32² to 128²)', gridExponent);

// 2. Ensembles against members and workers.
const sizes = quick ? [2, 4] : [4, 16, 64];
const walls: Record<number, number[]> = { 1: [], 2: [] };
for (const workers of [1, 2]) {
  for (const members of sizes) {
    // pixel members all start from one field: only rml (runInvert's mode) makes them differ.
    const mode = method === 'pixel' ? [] : ['--mode', 'multistart'];
    const r = runInvert(caseDir, { members, iters: ensembleIters, method, label: `m${members}w${workers}`, args: ['--workers', String(workers), ...mode] });
    walls[workers].push(r.session.wallMs / 1000);
    emit('ensemble wall s', r.session.wallMs / 1000, { members, workers, method, iters: ensembleIters });
  }
  emit('growth exponent of ensemble wall time in members', growthExponent(sizes, walls[workers]), { workers, method });
}
sizes.forEach((m, k) => emit('speed-up 2 vs 1 workers', walls[1][k] / walls[2][k], { members: m, method }));

mkdirSync(out, { recursive: true });
const plot = renderLinePlot(
  [
    { x: sizes, y: walls[1], label: `${method}, 1 worker` },
    { x: sizes, y: walls[2], label: `${method}, 2 workers` },
  ],
  { title: `Ensemble wall time (${ensembleIters} iterations per member)`, xLabel: 'members', yLabel: 'wall time (s)', logX: true, logY: true },
);
// A trial workload must not replace the plot the docs show.
const svgName = variant ? `scaling-${variant}.svg` : 'scaling.svg';
writeFileAtomic(join(out, svgName), plot.toSvg());
console.error(`scaling: wrote ${join(out, svgName)}`);

if (writeDocs) {
  const at = (figure: string, where: Record<string, unknown> = {}) => figureValue(figures, figure, where);
  const exponent = (workers: number) => at('growth exponent of ensemble wall time in members', { workers }).toFixed(2);
  writeBenchDocs({
    bench: 'scaling', variant, backend: report.backend,
    tables: [
      {
        caption: `One LD-DIM member-iteration (bimaterial-64 architecture, random weights, one member, one thread), mean of ${iterations} iterations; `
          + `growth exponent ${at('growth exponent of iteration time in unknowns (32² to 128²)').toFixed(2)} in the number of unknowns.`,
        columns: ['grid', 'unknowns', 'ms per iteration', 's per 200-iteration member'],
        rows: grids.map((n) => [`${n}²`, n * n, at('ldim ms per iteration, one member', { grid: n }), at('ldim s per 200-iteration member (from the per-iteration time)', { grid: n })]),
      },
      {
        caption: `Ensembles of \`${caseDir}\`, ${method}, ${ensembleIters} iterations per member, each a fresh \`ldinv invert\` `
          + `(plot [docs/results/${svgName}](results/${svgName})); growth exponent in members ${exponent(1)} on one worker, ${exponent(2)} on two.`,
        columns: ['members', 'wall s, 1 worker', 'wall s, 2 workers', 'speed-up 2 vs 1 workers'],
        rows: sizes.map((members, k) => [members, walls[1][k], walls[2][k], at('speed-up 2 vs 1 workers', { members })]),
      },
    ],
  });
}
