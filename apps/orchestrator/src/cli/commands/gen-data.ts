// ldinv gen-data: a training set of ln K fields as raw float32 shards + dataset.json (resumable), generated or
// imported from the user's own stack of fields (--from).
import { join } from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import { DATASET_MANIFEST, generateDataset, importDataset, MIN_IMPORTED_FIELDS, type DatasetManifest } from '@ldinv/fields';
import { addFieldOptions, fieldFromOptions, numberOption, type FieldOptionValues } from '../field-options.ts';

interface GenDataOptionValues extends FieldOptionValues {
  count?: string;
  seed: string;
  from?: string;
  out: string;
  shardSize?: string;
}

type Progress = (done: number, count: number) => void;

/** The options an import takes; the others configure a generator, which imported fields have none of. */
const IMPORT_OPTIONS = ['from', 'out', 'shardSize'];

export function registerGenData(program: Command): void {
  const command = program
    .command('gen-data')
    .description('generate a dataset of ln K fields for training priors, or import your own (float32 shards + dataset.json)');
  addFieldOptions(command)
    .option('--count <n>', 'number of fields (required unless --from)')
    .option('--seed <s>', 'seed; field i depends only on (seed, i), so runs resume and split', '0')
    .option(
      '--from <fields.npy>',
      `import a stack [n, ny, nx] of ln K fields instead of generating them (.npy <f4 or <f8, C or Fortran order, n >= ${MIN_IMPORTED_FIELDS}, any grid)`,
    )
    .requiredOption('--out <dir>', 'dataset directory (rerun with the same settings to resume)')
    .option('--shard-size <n>', 'fields per shard (default: up to 1000 and 64 MiB)')
    .action((o: GenDataOptionValues, cmd: Command) => genData(o, cmd));
}

function genData(o: GenDataOptionValues, command: Command): void {
  const write = o.from === undefined ? generator(o) : importer(o, o.from, command);
  // A bar only on a terminal: logs and CI get the one summary line.
  const bar = process.stderr.isTTY
    ? new SingleBar({ format: 'gen-data [{bar}] {value}/{total} fields  {eta_formatted} left', stream: process.stderr }, Presets.shades_classic)
    : undefined;
  const t0 = performance.now();
  let started = false;
  try {
    const manifest = write((done, total) => {
      if (!bar) return;
      if (!started) {
        bar.start(total, done);
        started = true;
      } else bar.update(done);
    });
    if (started) bar?.stop();
    started = false;
    process.stdout.write(summary(o.out, manifest, (performance.now() - t0) / 1000));
  } finally {
    if (started) bar?.stop();
  }
}

function shardSize(o: GenDataOptionValues): number | undefined {
  return o.shardSize === undefined ? undefined : numberOption('shard-size', o.shardSize, { integer: true, min: 1 });
}

function generator(o: GenDataOptionValues): (onProgress: Progress) => DatasetManifest {
  const { field, grid } = fieldFromOptions(o);
  if (o.count === undefined) throw new Error('--count is required (or --from FIELDS.npy to import fields)');
  const count = numberOption('count', o.count, { integer: true, min: 1 });
  const seed = numberOption('seed', o.seed, { integer: true });
  const fieldsPerShard = shardSize(o);
  return (onProgress) => generateDataset({ field, grid, count, seed, fieldsPerShard, onProgress }, o.out);
}

function importer(o: GenDataOptionValues, from: string, command: Command): (onProgress: Progress) => DatasetManifest {
  // Silently ignoring a generator option would leave the user believing it applied.
  const misplaced = command.options.find(
    (opt) => !IMPORT_OPTIONS.includes(opt.attributeName()) && command.getOptionValueSource(opt.attributeName()) === 'cli',
  );
  if (misplaced) throw new Error(`${misplaced.long ?? misplaced.flags} does not apply to --from: the fields, their number and grid come from ${from}`);
  const fieldsPerShard = shardSize(o);
  return (onProgress) => importDataset({ from, fieldsPerShard, onProgress }, o.out);
}

function summary(out: string, m: DatasetManifest, seconds: number): string {
  const origin = m.field.kind === 'imported' ? ` from ${m.field.file} (sha256 ${m.field.sha256.slice(0, 12)}...)` : '';
  const seed = 'seed' in m ? `, seed ${m.seed}` : '';
  const s = m.stats!;
  return (
    `wrote ${join(out, DATASET_MANIFEST)}: ${m.count} ${m.field.kind} fields ${m.grid.nx}x${m.grid.ny}${origin} in ` +
    `${m.shards.length} shard(s)${seed}, ${seconds.toFixed(1)} s; ln K mean ${s.mean.toFixed(4)}, std ${s.std.toFixed(4)}\n`
  );
}
