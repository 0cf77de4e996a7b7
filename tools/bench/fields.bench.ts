// npm run bench -- fields  (or: npx tsx tools/bench/fields.bench.ts [--quick])
// Issue 4 figures: GRF samples per second at 64x64 and 256x256 (default exponential GRF and the
// bimaterial field), and the wall time of generating a 10,000-field 64x64 dataset to disk
// (generateDataset, the code behind `ldinv gen-data`; target < 30 s). --quick uses 1,000 fields and
// says so in its JSON line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFieldSampler, fieldSpec, generateDataset, streamRng, type FieldKind } from '@ldinv/fields';

const quick = process.argv.includes('--quick');

function emit(figure: string, value: number, extra: Record<string, unknown>): void {
  console.log(JSON.stringify({ bench: 'fields', figure, value: Number(value.toPrecision(4)), ...extra }));
}

/** Samples per second over at least `seconds` of sampling, after one warm-up sample. */
function samplesPerSecond(kind: FieldKind, n: number, seconds: number): { rate: number; torus: number } {
  const sampler = createFieldSampler(fieldSpec(kind), { nx: n, ny: n });
  const out = new Float64Array(n * n);
  sampler.sample(streamRng(1, 'field', 0), out);
  let count = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) sampler.sample(streamRng(1, 'field', ++count), out);
  return { rate: (count * 1000) / (performance.now() - t0), torus: sampler.embedding.mx };
}

for (const [kind, n] of [
  ['gaussian', 64],
  ['gaussian', 256],
  ['bimaterial', 64],
  ['bimaterial', 256],
] as [FieldKind, number][]) {
  const { rate, torus } = samplesPerSecond(kind, n, quick ? 1 : 3);
  emit('samples/s', rate, { field: kind, grid: n, torus });
}

const count = quick ? 1000 : 10_000;
const dir = mkdtempSync(join(tmpdir(), 'ldinv-bench-fields-'));
try {
  const t0 = performance.now();
  generateDataset({ field: fieldSpec('gaussian'), grid: { nx: 64, ny: 64 }, count, seed: 1 }, join(dir, 'data'));
  const seconds = (performance.now() - t0) / 1000;
  emit('gen-data s', seconds, { field: 'gaussian', grid: 64, count, target_s: 30, ok: seconds < (30 * count) / 10_000 });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
