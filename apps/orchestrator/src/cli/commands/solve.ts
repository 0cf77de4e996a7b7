// ldinv solve: heads of a given K (or ln K) field for one or several pumping tests: the tests of a
// case (--case, either format), or a unit-square preset with wells from a CSV. --budget prints the
// water budget of every test as MODFLOW users read it.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { caseProblem, isSite, readCase, readField, readText, writeNpy, type Case } from '@ldinv/fields';
import {
  BUDGET_LABELS, BUDGET_TERMS, CELL_STATE, DarcySystem, parseWellsCsv, validateLogK, validateProblem,
  type BoundarySetup, type DarcyProblem, type WaterBudget, type Well,
} from '@ldinv/solver';

interface SolveOptionValues {
  k?: string;
  logk?: string;
  case?: string;
  bc?: string;
  wells?: string;
  out: string;
  budget?: boolean;
}

const BCS: readonly BoundarySetup[] = ['flow', 'source'];

export function registerSolve(program: Command): void {
  program
    .command('solve')
    .description('solve -div(K grad h) = f for the heads of a K or ln K field (.npy in, .npy out)')
    .option('--k <K.npy>', 'hydraulic conductivity K: .npy <f4 or <f8, C order, shape [ny, nx], all finite and > 0')
    .option('--logk <Y.npy>', 'ln K instead of K (same format)')
    .option('--case <dir>', 'solve the problem of a case (ldinv-case/1 or a site, ldinv-case/2): its conditions and pumping tests')
    .option('--bc <setup>', 'without --case: flow (h = 1 at x = 0, h = 0 at x = 1, no flow at y = 0, 1) | source (f = 1, h = 0 around) (default flow)')
    .option('--wells <wells.csv>', 'without --case: pumping tests, CSV header x,y,rate,test (test = 0-based id; rate > 0 injects); default: one test without wells')
    .requiredOption('--out <h.npy>', 'heads to write (<f8)')
    .option('--budget', 'print the water budget of each test (in and out per term, percent discrepancy)')
    .addHelpText(
      'after',
      '\nOutput: heads as .npy <f8, C order: shape [ny, nx] for one test, [tests, ny, nx] for several;\n' +
        'NaN in inactive cells of a site, the prescribed head in its fixed-head cells.\n' +
        'Arrays are row-major with row j from the bottom and column i from the left (cell centres\n' +
        '(x0 + (i+1/2) dx, y0 + (j+1/2) dy); the unit square for --bc).\n' +
        'Check with numpy: h = numpy.load("h.npy").',
    )
    .action((o: SolveOptionValues) => solveToNpy(o));
}

function readTests(path: string | undefined): Well[][] {
  if (path === undefined) return [[]];
  return parseWellsCsv(readText(path), path);
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

/** The problem to solve: a case's, or a preset with wells from a CSV; the grid must be the field's. */
function problemOf(o: SolveOptionValues, grid: { nx: number; ny: number }, fieldPath: string): { problem: DarcyProblem; c?: Case } {
  if (o.case !== undefined) {
    if (o.bc !== undefined || o.wells !== undefined) throw new Error('--case brings its own conditions and tests: leave out --bc and --wells');
    const c = readCase(o.case);
    if (c.grid.nx !== grid.nx || c.grid.ny !== grid.ny) {
      throw new Error(`${fieldPath}: shape [${grid.ny}, ${grid.nx}] is not the grid of ${o.case} ([${c.grid.ny}, ${c.grid.nx}])`);
    }
    return { problem: caseProblem(c), c };
  }
  const bc = o.bc ?? 'flow';
  if (!BCS.includes(bc as BoundarySetup)) throw new Error(`--bc must be one of ${BCS.join(', ')}, got ${JSON.stringify(bc)}`);
  return { problem: { grid, bc: bc as BoundarySetup, tests: readTests(o.wells) } };
}

/** MODFLOW-style budget lines of one test: IN and OUT per term, totals and the percent discrepancy. */
export function formatBudget(budget: WaterBudget, title: string, units = ''): string {
  const num = (v: number) => v.toExponential(6).padStart(15);
  const lines = [`${title}${units ? ` (volume per time, ${units})` : ''}`, `${''.padEnd(18)}${'IN'.padStart(15)}${'OUT'.padStart(15)}`];
  for (const term of BUDGET_TERMS) lines.push(`  ${BUDGET_LABELS[term].padEnd(16)}${num(budget.in[term])}${num(budget.out[term])}`);
  lines.push(`  ${'total'.padEnd(16)}${num(budget.totalIn)}${num(budget.totalOut)}`);
  lines.push(`  percent discrepancy ${budget.percentDiscrepancy.toExponential(2)} %`);
  return `${lines.join('\n')}\n`;
}

/** The whole `ldinv solve`: read, validate, solve, write; throws one-line errors. */
function solveToNpy(o: SolveOptionValues): void {
  const { nx, ny, logK } = readLogK(o);
  const { problem, c } = problemOf(o, { nx, ny }, (o.k ?? o.logk)!);
  validateProblem(problem);
  const { tests } = problem;
  const system = new DarcySystem(problem, logK);
  const heads = system.heads();
  const out = new Float64Array(tests.length * nx * ny);
  heads.forEach((h, t) => out.set(h, t * nx * ny));
  // NaN marks inactive cells; anything else that is not finite is a failed solve.
  const inactive = system.discretisation.state;
  const bad = out.findIndex((v, k) => !Number.isFinite(v) && inactive[k % (nx * ny)] !== CELL_STATE.inactive);
  if (bad >= 0) throw new Error(`${o.out}: not written, the solve gave a non-finite head at index ${bad} (K too extreme?)`);
  const shape = tests.length === 1 ? [ny, nx] : [tests.length, ny, nx];
  mkdirSync(dirname(o.out), { recursive: true });
  writeNpy(o.out, out, shape);
  const what = c ? `case ${o.case}${isSite(c) ? ' (site)' : ''}` : `bc ${o.bc ?? 'flow'}`;
  process.stdout.write(`wrote ${o.out}: heads [${shape.join(', ')}] <f8, ${what}, ${tests.length} test(s)\n`);
  if (o.budget) {
    const units = c?.units ? `${c.units.length}^3/${c.units.time}` : '';
    system.budget(heads).forEach((b, t) => {
      process.stdout.write(formatBudget(b, `water budget, test ${t}${c?.testNames ? ` (${c.testNames[t]})` : ''}`, units));
    });
  }
}
