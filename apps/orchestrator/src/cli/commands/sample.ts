// ldinv sample: DDIM samples of a prior as .npy fields and an SVG mosaic.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { writeNpy } from '@ldinv/fields';
import { loadPrior, sampleFields } from '@ldinv/prior';
import { initBackend, parseBackendChoice, writeFileAtomic } from '@ldinv/tensor';
import { renderMosaic } from '@ldinv/runs';
import { numberOption } from '../field-options.ts';

interface SampleOptionValues {
  prior: string;
  count: string;
  steps: string;
  seed: string;
  eta: string;
  out: string;
  backend: string;
}

export function registerSample(program: Command): void {
  program
    .command('sample')
    .description('draw ln K fields from a prior (DDIM) into .npy files and an SVG mosaic')
    .requiredOption('--prior <name|dir>', 'shipped prior name (gaussian-64, bimaterial-64) or prior directory')
    .option('--count <n>', 'number of samples', '16')
    .option('--steps <n>', 'DDIM steps', '50')
    .option('--seed <s>', 'seed of the initial noise (samples 64k.. use seed + k)', '0')
    .option('--eta <x>', 'DDIM η: 0 deterministic, 1 DDPM-like', '0')
    .requiredOption('--out <dir>', 'output directory')
    .option('--backend <name>', 'auto | tensorflow | wasm | cpu', 'auto')
    .action((o: SampleOptionValues) => sample(o));
}

async function sample(o: SampleOptionValues): Promise<void> {
  const count = numberOption('count', o.count, { integer: true, min: 1 });
  const steps = numberOption('steps', o.steps, { integer: true, min: 1 });
  const seed = numberOption('seed', o.seed, { integer: true });
  const eta = numberOption('eta', o.eta, { min: 0 });
  await initBackend({ backend: parseBackendChoice(o.backend, '--backend') });
  const prior = await loadPrior(o.prior);
  try {
    const { nx, ny } = prior.manifest.grid;
    const t0 = performance.now();
    // Chunks of 64 bound the memory; chunk k is drawn with seed + k.
    const data = sampleFields(prior, count, steps, seed, 64, eta);
    const seconds = (performance.now() - t0) / 1000;
    mkdirSync(o.out, { recursive: true });
    const cells = nx * ny;
    const width = String(count - 1).length;
    const tiles = [];
    for (let k = 0; k < count; k++) {
      const field = data.slice(k * cells, (k + 1) * cells);
      writeNpy(join(o.out, `sample-${String(k).padStart(width, '0')}.npy`), field, [ny, nx]);
      tiles.push({ values: field, label: `#${k}` });
    }
    const mosaic = renderMosaic(tiles, nx, ny, { title: `${prior.manifest.name}: ${count} DDIM samples, ${steps} steps, seed ${seed}`, colormap: 'viridis', barLabel: 'ln K' });
    writeFileAtomic(join(o.out, 'mosaic.svg'), mosaic.toSvg());
    process.stdout.write(`wrote ${o.out}: ${count} samples (ln K, ${nx}x${ny}) + mosaic.svg from ${prior.manifest.name} in ${seconds.toFixed(1)} s\n`);
  } finally {
    prior.dispose();
  }
}
