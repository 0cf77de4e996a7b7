// ldinv gen-data: a training set of ln K fields as raw float32 shards + dataset.json (resumable).
import { join } from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import { DATASET_MANIFEST, generateDataset } from '@ldinv/fields';
import { addFieldOptions, fieldFromOptions, numberOption, type FieldOptionValues } from '../field-options.ts';

interface GenDataOptionValues extends FieldOptionValues {
  count: string;
  seed: string;
  out: string;
  shardSize?: string;
}

export function registerGenData(program: Command): void {
  const command = program
    .command('gen-data')
    .description('generate a dataset of ln K fields for training priors (float32 shards + dataset.json)');
  addFieldOptions(command)
    .requiredOption('--count <n>', 'number of fields')
    .option('--seed <s>', 'seed; field i depends only on (seed, i), so runs resume and split', '0')
    .requiredOption('--out <dir>', 'dataset directory (rerun with the same settings to resume)')
    .option('--shard-size <n>', 'fields per shard (default: up to 1000 and 64 MiB)')
    .action((o: GenDataOptionValues) => genData(o));
}

function genData(o: GenDataOptionValues): void {
  const { field, grid } = fieldFromOptions(o);
  const count = numberOption('count', o.count, { integer: true, min: 1 });
  const seed = numberOption('seed', o.seed, { integer: true });
  const fieldsPerShard = o.shardSize === undefined ? undefined : numberOption('shard-size', o.shardSize, { integer: true, min: 1 });
  // A bar only on a terminal: logs and CI get the one summary line.
  const bar = process.stderr.isTTY
    ? new SingleBar({ format: 'gen-data [{bar}] {value}/{total} fields  {eta_formatted} left', stream: process.stderr }, Presets.shades_classic)
    : undefined;
  const t0 = performance.now();
  let started = false;
  try {
    const manifest = generateDataset(
      {
        field,
        grid,
        count,
        seed,
        fieldsPerShard,
        onProgress: (done, total) => {
          if (!bar) return;
          if (!started) {
            bar.start(total, done);
            started = true;
          } else bar.update(done);
        },
      },
      o.out,
    );
    if (started) bar?.stop();
    started = false;
    const s = manifest.stats!;
    process.stdout.write(
      `wrote ${join(o.out, DATASET_MANIFEST)}: ${count} ${field.kind} fields ${grid.nx}x${grid.ny} in ` +
        `${manifest.shards.length} shard(s), seed ${seed}, ${((performance.now() - t0) / 1000).toFixed(1)} s; ` +
        `ln K mean ${s.mean.toFixed(4)}, std ${s.std.toFixed(4)}\n`,
    );
  } finally {
    if (started) bar?.stop();
  }
}
