// Options shared by `simulate` and `gen-data`: the grid and the generator of ln K fields.
// Values are parsed in the action (not by commander) so that a bad value is the CLI's usual one-line error.
import type { Command } from 'commander';
import { FIELD_KINDS, fieldSpec, KERNELS, MIN_GRID, type FieldKind, type FieldSpec } from '@ldinv/fields';

export interface FieldOptionValues {
  field: string;
  grid: string;
  kernel?: string;
  mean?: string;
  variance?: string;
  length?: string;
  lx?: string;
  ly?: string;
  rotation?: string;
  fraction?: string;
  logkLow?: string;
  logkHigh?: string;
}

export function addFieldOptions(command: Command): Command {
  return command
    .option('--field <kind>', `field generator: ${FIELD_KINDS.join(' | ')}`, 'gaussian')
    .option('--grid <n>', `grid of n x n cells (n >= ${MIN_GRID})`, '64')
    .option(
      '--kernel <name>',
      `covariance of the GRF (of the interface GRF for bimaterial): ${KERNELS.join(' | ')} ` +
        '(default: exponential for gaussian, squared-exponential for bimaterial)',
    )
    .option('--mean <m>', 'gaussian: mean of ln K (default 0)')
    .option('--variance <v>', 'gaussian: variance of ln K (default 1)')
    .option('--length <l>', 'correlation length, units of the domain side (default 0.2; sets lx and ly)')
    .option('--lx <l>', 'correlation length along the rotated x axis (overrides --length)')
    .option('--ly <l>', 'correlation length along the rotated y axis (overrides --length)')
    .option('--rotation <deg>', 'angle of the lx axis, degrees counter-clockwise from x (default 0)')
    .option('--fraction <p>', 'bimaterial: volume fraction of the high-K material, in (0, 1) (default 0.5)')
    .option('--logk-low <y>', 'bimaterial: ln K of the background material (default ln 1 = 0)')
    .option('--logk-high <y>', 'bimaterial: ln K of the second material (default ln 10)');
}

/** Parses a number option; `integer` also demands an integer and `min` a lower bound. */
export function numberOption(name: string, text: string, check: { integer?: boolean; min?: number } = {}): number {
  const value = Number(text);
  const integer = check.integer ?? false;
  const ok =
    text.trim() !== '' && Number.isFinite(value) && (!integer || Number.isInteger(value)) && (check.min === undefined || value >= check.min);
  if (!ok) {
    const kind = integer ? 'an integer' : 'a number';
    throw new Error(`--${name} must be ${kind}${check.min === undefined ? '' : ` >= ${check.min}`}, got ${JSON.stringify(text)}`);
  }
  return value;
}

export function fieldFromOptions(o: FieldOptionValues): { field: FieldSpec; grid: { nx: number; ny: number } } {
  const n = numberOption('grid', o.grid, { integer: true, min: MIN_GRID });
  const num = (name: string, text: string | undefined) => (text === undefined ? undefined : numberOption(name, text));
  const length = num('length', o.length);
  const field = fieldSpec(o.field as FieldKind, {
    kernel: o.kernel as FieldSpec['kernel'] | undefined,
    mean: num('mean', o.mean),
    variance: num('variance', o.variance),
    lx: num('lx', o.lx) ?? length,
    ly: num('ly', o.ly) ?? length,
    rotation: num('rotation', o.rotation),
    fraction: num('fraction', o.fraction),
    logKLow: num('logk-low', o.logkLow),
    logKHigh: num('logk-high', o.logkHigh),
  });
  return { field, grid: { nx: n, ny: n } };
}
