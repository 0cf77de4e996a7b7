// ldinv quickstart (what `npm start` runs): inverts the shipped example site with a 16-member
// ensemble on the local worker pool, aggregates it and prints the path of report.html. Uses LD-DIM
// with the case's shipped prior where both exist in this build, else says which method it ran.
// The unit-square case stays reachable: ldinv quickstart --case cases/bimat64.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { isSite, readCase, type Case } from '@ldinv/fields';
import { INVERSION_METHODS } from '@ldinv/optim';
import { ASSETS_DIR, readManifest, resolvePriorDir } from '@ldinv/prior';
import { invertCommand } from './invert.ts';

const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
export const QUICKSTART_CASE = join(ROOT, 'cases', 'site');
const MEMBERS = 16;
/** Refine iterations on a site: its pumping tests are fitted to centimetres, and the latent descent
 *  leaves χ²/M at 10–100 on the shipped site; 400 refine steps bring most members to 1–5 (100 leave 20–100). */
const SITE_REFINE = 400;

interface Plan {
  method: string;
  mode: string;
  iters: number;
  refine?: number;
  prior?: string;
  why: string;
}

/** The case's prior if it resolves, else a shipped prior of the case's field kind and grid. */
function findPrior(c: Case): string | null {
  if (c.prior) {
    try {
      resolvePriorDir(c.prior);
      return c.prior;
    } catch {
      return null;
    }
  }
  if (!existsSync(ASSETS_DIR)) return null;
  for (const name of readdirSync(ASSETS_DIR).sort()) {
    if (!existsSync(join(ASSETS_DIR, name, 'manifest.json'))) continue;
    const m = readManifest(join(ASSETS_DIR, name));
    if (m.fieldKind === c.field?.kind && m.grid.nx === c.grid.nx && m.grid.ny === c.grid.ny) return name;
  }
  return null;
}

function plan(caseDir: string): Plan {
  const c = readCase(caseDir);
  const prior = findPrior(c);
  const ldim = (INVERSION_METHODS as readonly string[]).includes('ldim');
  if (ldim && prior) {
    const site = isSite(c);
    return {
      method: 'ldim', mode: 'multistart', iters: 200, prior, ...(site ? { refine: SITE_REFINE } : {}),
      why: `LD-DIM with the shipped prior '${prior}'${site ? `, ${SITE_REFINE} refine iterations` : ''}`,
    };
  }
  const missing = !ldim ? 'the ldim method is not in this build yet' : 'no shipped prior matches the case';
  // Without a prior, pixel members only differ through their perturbed data: rml gives the spread.
  return { method: 'pixel', mode: 'rml', iters: 200, why: `the pixel baseline in rml mode, because ${missing}` };
}

export function registerQuickstart(program: Command): void {
  program
    .command('quickstart')
    .description(`invert the shipped example site with ${MEMBERS} members on the local pool and print the path of report.html`)
    .option('--case <dir>', 'case to invert', QUICKSTART_CASE)
    .option('--out <dir>', 'run directory (default: runs/quickstart-<time>)')
    .option('--workers <n>', 'worker threads (default: available cores)')
    .action(async (o: { case: string; out?: string; workers?: string }) => {
      if (!existsSync(join(o.case, 'case.json'))) throw new Error(`${o.case}: no case.json (the shipped quickstart case is missing)`);
      const p = plan(o.case);
      const out = o.out ?? join('runs', `quickstart-${new Date().toISOString().replace(/[:.]/g, '-')}`);
      process.stdout.write(`quickstart: ${MEMBERS} members of ${o.case} with ${p.why}\n`);
      await invertCommand({
        case: o.case, method: p.method, mode: p.mode, members: String(MEMBERS), iters: String(p.iters), out,
        ...(p.refine !== undefined ? { refine: String(p.refine) } : {}),
        ...(p.prior ? { prior: p.prior } : {}),
        ...(o.workers ? { workers: o.workers } : {}),
      });
    });
}
