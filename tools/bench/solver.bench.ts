// npm run bench -- solver  (or: npx tsx tools/bench/solver.bench.ts [--quick])
// Issue 2 figures: forward solve + one adjoint solve of a random log-normal K (sigma_lnK = 2) at
// 64^2, 128^2 and 256^2 - assembly, factorisation, forward solve, adjoint solve and the gradient
// dJ/dlnK, i.e. one lossAndGradient call - as the median over repeats, in ms and ns per unknown,
// and the growth from 128^2 to 256^2. Targets (2-core machine): 2, 10, 60 ms; growth <= 5x.
// A site of 128 x 64 cells with every feature (dx != dy, thickness, an inactive outcrop, a river of
// fixed heads, side head and side flux, recharge, three pumping tests) is timed beside it, as a ratio
// to the unit square of 128^2 in the same run.
// --quick takes fewer repeats and says so in its JSON lines; --write-docs writes the tables into
// docs/BENCHMARKS.md (bench-docs.ts).
import { DarcySystem, factorStats, fourierField, lossAndGradient, type DarcyProblem, type Site } from '@ldinv/solver';
import { docsRequested, figureValue, findFigure, writeBenchDocs, type DocTable, type Figure } from './bench-docs.ts';

const quick = process.argv.includes('--quick');
const writeDocs = docsRequested('solver');
const figures: Figure[] = [];
const GRIDS = [
  { n: 64, repeats: 200, targetMs: 2 },
  { n: 128, repeats: 60, targetMs: 10 },
  { n: 256, repeats: 21, targetMs: 60 },
];

function emit(figure: string, grid: number | null, value: number, extra: Record<string, unknown> = {}): void {
  const line = { bench: 'solver', figure, ...(grid ? { grid } : {}), value: Number(value.toPrecision(4)), ...extra };
  figures.push(line);
  console.log(JSON.stringify(quick ? { ...line, quick: true } : line));
}

const median = (a: number[]): number => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const medians = new Map<number, number>();
const partMedians = new Map<string, number>();
const PARTS = ['factorisation (with K, assembly)', 'forward solve (with rhs)', 'adjoint solve', 'gradient'] as const;
for (const { n, repeats, targetMs } of GRIDS) {
  const grid = { nx: n, ny: n };
  // Smooth-ish random field: 64 Fourier modes up to wavenumber 16, scaled to sigma_lnK = 2.
  const logK = fourierField(grid, { seed: 2024, sigma: 2, modes: 64, maxWavenumber: 16 });
  const problem: DarcyProblem = { grid, bc: 'flow', tests: [[]] };
  // J = 1/2 |h - 1/2|^2: its adjoint right-hand side is dense, like a misfit over many sensors.
  const loss = (heads: Float64Array[]) => {
    const d = heads[0].map((v) => v - 0.5);
    return { value: 0.5 * d.reduce((a, v) => a + v * v, 0), dHeads: [d] };
  };
  const runs = quick ? Math.ceil(repeats / 5) : repeats;
  const times: number[] = [];
  for (let r = 0; r < runs + 3; r++) {
    const t0 = performance.now();
    lossAndGradient(problem, logK, loss);
    if (r >= 3) times.push(performance.now() - t0); // the first calls build the plan and warm the JIT
  }
  const ms = median(times);
  medians.set(n, ms);
  // The same call in its parts, to show which part sets the growth with the grid.
  const parts = PARTS.map(() => [] as number[]);
  for (let r = 0; r < runs; r++) {
    // Timestamps between the parts, in PARTS order.
    const marks = [performance.now()];
    const system = new DarcySystem(problem, logK);
    marks.push(performance.now());
    const heads = system.heads();
    marks.push(performance.now());
    const lambdas = system.adjointStates(loss(heads).dHeads);
    marks.push(performance.now());
    system.gradLogK(heads, lambdas);
    marks.push(performance.now());
    parts.forEach((t, k) => t.push(marks[k + 1] - marks[k]));
  }
  PARTS.forEach((part, k) => partMedians.set(`${part}|${n}`, median(parts[k])));
  const stats = factorStats(grid);
  const extra = { repeats: runs, minMs: Number(Math.min(...times).toPrecision(4)), targetMs };
  emit('forward+adjoint ms', n, ms, extra);
  emit('forward+adjoint ns/unknown', n, (ms * 1e6) / (n * n));
  emit('factorisation GFLOP', n, stats.flops / 1e9, { factorEntries: stats.factorEntries, largestFront: stats.largestFront });
}
emit('growth 128^2 -> 256^2', null, medians.get(256)! / medians.get(128)!, { targetMax: 5 });
// The whole call's growth is a time-weighted mean of its parts' growths (n^1.5 flops of the nested-
// dissection factorisation, n log n factor entries of the solves, n for the rest).
for (const part of PARTS) {
  const at = (n: number) => partMedians.get(`${part}|${n}`)!;
  emit(`${part} ms`, 128, at(128));
  emit(`${part} ms`, 256, at(256), { growth: Number((at(256) / at(128)).toPrecision(3)) });
}

/** 4 km x 2 km, 128 x 64 cells (dx = dy = 31.25 m), b = 20 m: a river of fixed heads falling along the
 *  east side, inflow on the west, head on the north, recharge, an inactive outcrop and three tests. */
function benchSite(): DarcyProblem {
  const grid = { nx: 128, ny: 64 };
  const n = grid.nx * grid.ny;
  const active = new Uint8Array(n).fill(1);
  const fixedHeads = new Float64Array(n).fill(NaN);
  for (let j = 0; j < grid.ny; j++) {
    for (let i = 0; i < grid.nx; i++) {
      if ((i - 40) ** 2 + (j - 40) ** 2 < 64) active[j * grid.nx + i] = 0;
      if (i === grid.nx - 1) fixedHeads[j * grid.nx + i] = 30 - 0.05 * j;
    }
  }
  const site: Site = {
    domain: { x0: 0, y0: 0, lx: 4000, ly: 2000 }, thickness: 20, active, fixedHeads, recharge: 3e-4,
    sides: { west: { type: 'flux', value: 0.5 }, north: { type: 'head', value: 33 } },
  };
  const tests = [[{ x: 1500, y: 600, rate: -400 }], [{ x: 2500, y: 1400, rate: -600 }], [{ x: 3000, y: 500, rate: -300 }]];
  return { grid, bc: site, tests };
}

{
  const site = benchSite();
  const square: DarcyProblem = { grid: { nx: 128, ny: 128 }, bc: 'flow', tests: [[], [], []] };
  const siteLogK = fourierField(site.grid, { seed: 2024, sigma: 2, modes: 64, maxWavenumber: 16 });
  const squareLogK = fourierField(square.grid, { seed: 2024, sigma: 2, modes: 64, maxWavenumber: 16 });
  const loss = (heads: Float64Array[]) => {
    const dHeads = heads.map((h) => h.map((v) => (Number.isNaN(v) ? 0 : 1e-3 * v)));
    return { value: 0, dHeads };
  };
  const runs = quick ? 12 : 60;
  const times = { site: [] as number[], square: [] as number[] };
  for (let r = 0; r < runs + 3; r++) {
    for (const [key, problem, logK] of [['site', site, siteLogK], ['square', square, squareLogK]] as const) {
      const t0 = performance.now();
      lossAndGradient(problem, logK, loss);
      if (r >= 3) times[key].push(performance.now() - t0);
    }
  }
  emit('site 128x64 forward+adjoint ms (3 tests)', null, median(times.site), { repeats: runs });
  emit('site 128x64 / unit square 128^2 (3 tests each)', null, median(times.site) / median(times.square));
}

/** BENCHMARKS.md's solver tables, from the figures printed above. */
function docTables(): DocTable[] {
  const at = (figure: string, grid?: number) => figureValue(figures, figure, grid ? { grid } : {});
  const whole = GRIDS.map(({ n }) => findFigure(figures, 'forward+adjoint ms', { grid: n }));
  const growth = at('growth 128^2 -> 256^2');
  return [
    {
      caption: `One \`lossAndGradient\` call, median of ${whole.map((f) => f.repeats).join(' / ')} repeats after 3 warm-ups; `
        + `growth 128² → 256²: ${growth.toFixed(1)}x (target ≤ 5x${growth <= 5 ? ', met' : ', not met'}).`,
      columns: ['grid', 'unknowns', 'factor Mflop', 'median ms', 'min ms', 'ns / unknown (median)', 'target ms'],
      rows: GRIDS.map(({ n, targetMs }, k) => [
        `${n}²`, n * n, 1000 * at('factorisation GFLOP', n), whole[k].value, whole[k].minMs as number, at('forward+adjoint ns/unknown', n), targetMs,
      ]),
    },
    {
      caption: 'The same call in its parts:',
      columns: ['part (median ms)', '128²', '256²', 'growth'],
      rows: PARTS.map((part) => [part, at(`${part} ms`, 128), at(`${part} ms`, 256), at(`${part} ms`, 256) / at(`${part} ms`, 128)]),
    },
    {
      caption: 'A site of 128 x 64 cells with every feature and three pumping tests, against the unit square of 128² with three tests in the same run:',
      columns: ['figure', 'value'],
      rows: [
        ['site, forward + adjoint of the 3 tests, ms', at('site 128x64 forward+adjoint ms (3 tests)')],
        ['site / unit square 128² (3 tests each)', at('site 128x64 / unit square 128^2 (3 tests each)')],
      ],
    },
  ];
}

if (writeDocs) writeBenchDocs({ bench: 'solver', tables: docTables() });
