// npm run bench -- ensemble  [--quick] [--members N] [--iters I] [--method M] [--case DIR] [--grid N]
// Issue 7 figures: ensemble throughput of `ldinv invert` with 1 and with 2 workers in the same run
// (members per minute, and the 2-worker speed-up; target >= 1.8x on 2 cores), the pool overhead
// (dispatch + result transfer + persistence, as a share of wall time; target < 2 %) and the peak RSS
// of the orchestrator process with its worker threads. Each configuration is a fresh `ldinv invert`
// process. Default workload: `pixel` (rml) on a simulated noise-free bimaterial case of 128x128 cells,
// so that no member stops early at the noise level and each takes seconds, as LD-DIM members do;
// --case and --method ldim measure the shipped case and prior instead. --write-docs writes the table
// into docs/BENCHMARKS.md, block ensemble (or ensemble/VARIANT for another workload; bench-docs.ts).
import { loadavg } from 'node:os';
import { basename } from 'node:path';
import { readCase } from '@ldinv/fields';
import { docsRequested, figureValue, variantName, writeBenchDocs, type Figure } from './bench-docs.ts';
import { benchCase, flag, runInvert } from './invert-runs.ts';

const argv = process.argv;
const quick = argv.includes('--quick');
const members = Number(flag('members', quick ? '4' : '12'));
const iters = Number(flag('iters', quick ? '50' : '200'));
const method = flag('method', 'pixel');
const givenCase = argv.includes('--case') ? flag('case', '') : '';
// The grid of the case that runs: --case's own, else the simulated one's.
const grid = givenCase ? readCase(givenCase).grid.nx : Number(flag('grid', quick ? '64' : '128'));
// Any workload but the default writes a block of its own, so a trial run never overwrites the table.
const variant = variantName([
  method !== 'pixel' && method, givenCase ? basename(givenCase) : grid !== 128 && `sim${grid}`, members !== 12 && `${members}members`, iters !== 200 && `${iters}iters`,
]);
const writeDocs = docsRequested('ensemble', variant);
const figures: Figure[] = [];

function emit(figure: string, value: number, extra: Record<string, unknown> = {}): void {
  const line = { bench: 'ensemble', figure, value: Number(value.toPrecision(4)), method, members, iters, grid, ...extra };
  figures.push(line);
  console.log(JSON.stringify(quick ? { ...line, quick: true } : line));
}

// batch 1: every member is its own task, so two workers can share an ensemble evenly.
const run = (caseDir: string, workers: number) =>
  runInvert(caseDir, { members, iters, method, label: `w${workers}`, args: ['--workers', String(workers), '--batch', '1'] });

const caseDir = benchCase(grid);
const one = run(caseDir, 1);
const two = run(caseDir, 2);
for (const [w, r] of [[1, one], [2, two]] as const) {
  emit('members per minute (wall)', r.perMinute, { workers: w });
  emit('members per minute (after worker start-up)', r.steadyPerMinute, { workers: w });
  emit('worker start-up ms', r.startupMs, { workers: w });
  emit('pool overhead % of wall', (100 * r.session.overheadMs) / r.session.wallMs, { workers: w, target: '< 2' });
  emit('peak RSS MiB (orchestrator + workers)', r.session.peakRssMiB, { workers: w });
  emit('CPU s per member', r.session.cpuMs / 1000 / members, { workers: w });
  // Share of the cores' time the run got: below `workers` when other processes compete for the CPUs.
  emit('cores used', r.session.cpuMs / r.session.wallMs, { workers: w, loadavg1: Number(loadavg()[0].toFixed(2)) });
}
emit('speed-up 2 vs 1 workers (wall)', two.perMinute / one.perMinute, { target: '>= 1.8' });
emit('speed-up 2 vs 1 workers (after start-up)', two.steadyPerMinute / one.steadyPerMinute, { target: '>= 1.8' });
emit('peak RSS per extra worker MiB', two.session.peakRssMiB - one.session.peakRssMiB);
// What 2 workers would reach with 2 free cores: twice the throughput, less any rise in CPU cost per
// member (cache and memory-bandwidth sharing); equals the measured speed-up on an idle machine.
emit('speed-up 2 vs 1 workers (CPU-bound estimate)', (2 * one.session.cpuMs) / two.session.cpuMs, { target: '>= 1.8' });

if (writeDocs) {
  const at = (figure: string, workers?: number) => figureValue(figures, figure, workers ? { workers } : {});
  const both = (figure: string, scale = 1) => [at(figure, 1) * scale, at(figure, 2) * scale];
  writeBenchDocs({
    bench: 'ensemble', variant,
    tables: [{
      caption: `\`ldinv invert\`, ${method}/rml on ${givenCase ? `\`${givenCase}\`` : `a noise-free ${grid}² bimaterial case`}, ${members} members, `
        + `${iters} iterations, batch 1, with 1 and then 2 workers, each a fresh process. Targets: 2 workers ≥ 1.8x one, pool overhead < 2 %.`,
      columns: ['figure', '1 worker', '2 workers'],
      rows: [
        ['members per minute (wall)', ...both('members per minute (wall)')],
        ['members per minute (after worker start-up)', ...both('members per minute (after worker start-up)')],
        ['speed-up 2 vs 1 workers (wall)', null, at('speed-up 2 vs 1 workers (wall)')],
        ['speed-up 2 vs 1 workers (after start-up)', null, at('speed-up 2 vs 1 workers (after start-up)')],
        ['speed-up, CPU-bound estimate (2 × CPU of 1 worker / CPU of 2)', null, at('speed-up 2 vs 1 workers (CPU-bound estimate)')],
        ['worker start-up (modules + backend + case + prior), s', ...both('worker start-up ms', 1e-3)],
        ['CPU s per member', ...both('CPU s per member')],
        ['pool overhead (dispatch + transfer + persistence) % of wall', ...both('pool overhead % of wall')],
        ['peak RSS of the process, MiB', ...both('peak RSS MiB (orchestrator + workers)')],
        ['cores used (CPU / wall)', ...both('cores used')],
      ],
    }],
  });
}
