// ldinv solve: heads of a given K (or ln K) field for one or several pumping tests.
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { readField, writeNpy } from '@ldinv/fields';
import { parseWellsCsv, solveHeads, validateLogK, validateProblem, type BoundarySetup, type Well } from '@ldinv/solver';

interface SolveOptionValues {
  k?: string;
  logk?: string;
  bc: string;
  wells?: string;
  out: string;
}

const BCS: readonly BoundarySetup[] = ['flow', 'source'];

export function registerSolve(program: Command): void {
  program
    .command('solve')
    .description('solve -div(K grad h) = f for the heads of a K or ln K field (.npy in, .npy out)')
    .option('--k <K.npy>', 'hydraulic conductivity K: .npy <f4 or <f8, C order, shape [ny, nx], all finite and > 0')
    .option('--logk <Y.npy>', 'ln K instead of K (same format)')
    .option('--bc <setup>', 'boundary setup: flow (h = 1 at x = 0, h = 0 at x = 1, no flow at y = 0, 1) | source (f = 1, h = 0 around)', 'flow')
    .option('--wells <wells.csv>', 'pumping tests: CSV header x,y,rate,test (test = 0-based id; rate > 0 injects); default: one test without wells')
    .requiredOption('--out <h.npy>', 'heads to write (<f8)')
    .addHelpText(
      'after',
      '\nOutput: heads as .npy <f8, C order: shape [ny, nx] for one test, [tests, ny, nx] for several.\n' +
        'Arrays are row-major with row j from y = 0 and column i from x = 0 (cell centres ((i+1/2)/nx, (j+1/2)/ny)).\n' +
        'Check with numpy: h = numpy.load("h.npy").',
    )
    .action((o: SolveOptionValues) => solveToNpy(o));
}

function readTests(path: string | undefined): Well[][] {
  if (path === undefined) return [[]];
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return parseWellsCsv(text, path);
}

/** ln K from --k or --logk, checked cell by cell; errors name the file and the cell [j, i]. */
function readLogK(o: SolveOptionValues): { nx: number; ny: number; logK: Float64Array } {
  if ((o.k === undefined) === (o.logk === undefined)) throw new Error('give exactly one of --k K.npy or --logk Y.npy');
  const path = (o.k ?? o.logk)!;
  const field = readField(path, o.k !== undefined ? 'K' : 'ln K');
  const { nx, ny, data } = field;
  if (nx < 2 || ny < 2) throw new Error(`${path}: the grid must be at least 2 x 2, got shape [${ny}, ${nx}]`);
  if (o.k !== undefined) {
    const logK = new Float64Array(data.length);
    for (let c = 0; c < data.length; c++) {
      const v = data[c];
      if (!(Number.isFinite(v) && v > 0)) {
        throw new Error(`${path}: K must be finite and > 0, got ${v} at [${Math.floor(c / nx)}, ${c % nx}]`);
      }
      logK[c] = Math.log(v);
    }
    validateLogK({ nx, ny }, logK, `${path}: ln K`);
    return { nx, ny, logK };
  }
  validateLogK({ nx, ny }, data, `${path}: ln K`);
  return { nx, ny, logK: data };
}

/** The whole `ldinv solve`: read, validate, solve, write; throws one-line errors. */
function solveToNpy(o: SolveOptionValues): void {
  if (!BCS.includes(o.bc as BoundarySetup)) throw new Error(`--bc must be one of ${BCS.join(', ')}, got ${JSON.stringify(o.bc)}`);
  const { nx, ny, logK } = readLogK(o);
  const tests = readTests(o.wells);
  const problem = { grid: { nx, ny }, bc: o.bc as BoundarySetup, tests };
  validateProblem(problem);
  const heads = solveHeads(problem, logK);
  const out = new Float64Array(tests.length * nx * ny);
  heads.forEach((h, t) => out.set(h, t * nx * ny));
  const bad = out.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new Error(`${o.out}: not written, the solve gave a non-finite head at index ${bad} (K too extreme?)`);
  const shape = tests.length === 1 ? [ny, nx] : [tests.length, ny, nx];
  mkdirSync(dirname(o.out), { recursive: true });
  writeNpy(o.out, out, shape);
  process.stdout.write(`wrote ${o.out}: heads [${shape.join(', ')}] <f8, bc ${o.bc}, ${tests.length} test(s)\n`);
}
