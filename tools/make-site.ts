// Writes the shipped example site cases/site/: a synthetic twin of a 4.8 km x 3.2 km confined sand and
// gravel aquifer in projected coordinates (metres, days) on the 64 x 64 grid of the shipped prior
// bimaterial-64 (cells 75 m x 50 m). A river along the east side is a line of fixed heads falling from
// north to south; the west side takes a specified inflow from the upland; recharge 0.1 mm/d; an inactive
// bedrock outcrop; an ambient test and three pumping tests, observed at 40 irregularly placed wells.
// The truth is a sample of the prior; obs.csv and the truth files come from `ldinv simulate`.
// Run: npx tsx tools/make-site.ts [--seed S] [--out DIR]   (deterministic for a seed)
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeNpy } from '@ldinv/fields';
import { writeFileAtomic } from '@ldinv/tensor';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const LDINV = join(ROOT, 'apps/orchestrator/bin/ldinv.js');
const NX = 64;
const NY = 64;
const DOMAIN = { x0: 512000, y0: 5_310_000, lx: 4800, ly: 3200 };
const DX = DOMAIN.lx / NX;
const DY = DOMAIN.ly / NY;

/** case.json of the site (no observations yet) and its arrays, written into `dir`. */
export function writeSiteDescription(dir: string): void {
  const active = new Uint8Array(NX * NY).fill(1);
  const chd = new Float64Array(NX * NY).fill(NaN);
  for (let j = 0; j < NY; j++) {
    for (let i = 0; i < NX; i++) {
      // Outcrop: an ellipse of 750 m x 500 m semi-axes in the north-west quarter.
      const [x, y] = [(i + 0.5) * DX, (j + 0.5) * DY];
      if (((x - 1500) / 750) ** 2 + ((y - 2300) / 500) ** 2 < 1) active[j * NX + i] = 0;
    }
    // River in the last column, stage falling 2.5 m from north to south.
    chd[j * NX + NX - 1] = 100 + (2.5 * (j + 0.5)) / NY;
  }
  mkdirSync(dir, { recursive: true });
  writeNpy(join(dir, 'active.npy'), Float64Array.from(active), [NY, NX]);
  writeNpy(join(dir, 'chd.npy'), chd, [NY, NX]);
  const well = (x: number, y: number, rate: number) => ({ x: DOMAIN.x0 + x, y: DOMAIN.y0 + y, rate });
  const json = {
    format: 'ldinv-case/2',
    units: { length: 'm', time: 'd' },
    domain: DOMAIN,
    grid: { nx: NX, ny: NY },
    thickness: 20,
    active: 'active.npy',
    boundaries: { west: { type: 'flux', value: 0.25 }, south: { type: 'no-flow' }, north: { type: 'no-flow' } },
    fixedHeads: 'chd.npy',
    recharge: 0.0001,
    tests: [
      { name: 'ambient', wells: [] },
      { name: 'PW1', wells: [well(1300, 900, -600)] },
      { name: 'PW2', wells: [well(3100, 2500, -600)] },
      { name: 'PW3', wells: [well(2600, 1200, -500), well(3700, 600, -300)] },
    ],
    noise: 0.002,
    prior: 'bimaterial-64',
  };
  writeFileAtomic(join(dir, 'case.json'), `${JSON.stringify(json, null, 2)}\n`);
}

/** The site with the truth drawn from bimaterial-64 with `seed`, written to `out` by ldinv sample and simulate. */
export function makeSite(seed: number, out: string, stdio: 'inherit' | 'ignore' = 'inherit'): void {
  const work = mkdtempSync(join(tmpdir(), 'ldinv-site-'));
  try {
    writeSiteDescription(join(work, 'site'));
    const run = (...args: string[]) => execFileSync(process.execPath, [LDINV, ...args], { stdio });
    run('sample', '--prior', 'bimaterial-64', '--count', '1', '--seed', String(seed), '--out', join(work, 'truth'));
    run('simulate', '--case', join(work, 'site'), '--truth', join(work, 'truth', 'sample-0.npy'), '--sensors', '40', '--noise', '0.002',
      '--seed', String(seed), '--out', out, '--force');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { seed: { type: 'string', default: '11' }, out: { type: 'string', default: join(ROOT, 'cases/site') } } });
  makeSite(Number(values.seed), values.out!);
}
