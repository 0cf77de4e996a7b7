// The `ldinv-case/2` site description in case.json (docs/DESIGN.md "Site cases"): domain, thickness,
// active cells, side conditions, fixed heads, recharge and named pumping tests in site coordinates.
// Other tools write this format, so its field names and meanings are kept exactly; arrays live in
// .npy files beside case.json. Errors are one line naming the file and the item.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { discretise, SIDES, type Grid, type Side, type SideCondition, type Site, type Well } from '@ldinv/solver';
import { readNpy } from './npy.ts';

export const SITE_CASE_FORMAT = 'ldinv-case/2';

/** Labels for reports; every number of a site uses them. */
export interface SiteUnits {
  length: string;
  time: string;
}

const finite = z.number().refine(Number.isFinite, 'must be finite');

const sideSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('no-flow') }),
  z.strictObject({ type: z.literal('head'), value: finite.optional(), values: z.array(finite).optional() }),
  z.strictObject({ type: z.literal('flux'), value: finite }),
]);

/** The fields a v2 case.json adds to (or changes from) v1's; the rest is shared (case.ts). */
export const siteJsonShape = {
  units: z.strictObject({ length: z.string(), time: z.string() }).optional(),
  domain: z.strictObject({ x0: finite, y0: finite, lx: z.number().positive(), ly: z.number().positive() }),
  thickness: z.number().positive().optional(),
  active: z.string().min(1).optional(),
  boundaries: z.strictObject(Object.fromEntries(SIDES.map((s) => [s, sideSchema.optional()])) as Record<Side, z.ZodOptional<typeof sideSchema>>).optional(),
  fixedHeads: z.string().min(1).optional(),
  recharge: z.union([finite, z.string().min(1)]).optional(),
  tests: z.array(z.strictObject({ name: z.string().optional(), wells: z.array(z.strictObject({ x: finite, y: finite, rate: finite })) })).min(1),
};

type SiteJson = z.output<z.ZodObject<typeof siteJsonShape>>;

/** The case.json fields of a site that may name an array file. */
export const SITE_ARRAY_FIELDS = ['active', 'fixedHeads', 'recharge'] as const;

/** The names writeCase gives a site's arrays. */
export const SITE_FILE_NAMES: Record<(typeof SITE_ARRAY_FIELDS)[number], string> = { active: 'active.npy', fixedHeads: 'chd.npy', recharge: 'recharge.npy' };

/** Reads one [ny, nx] array named by case.json; `allowNaN` for chd.npy (NaN = free cell). */
function readCells(dir: string, name: string, grid: Grid, allowNaN: boolean): Float64Array {
  const path = join(dir, name);
  if (!existsSync(path)) throw new Error(`${path}: not found (named in case.json)`);
  const arr = readNpy(path);
  const { nx, ny } = grid;
  if (arr.shape.length !== 2 || arr.shape[0] !== ny || arr.shape[1] !== nx) {
    throw new Error(`${path}: shape must be [${ny}, ${nx}] (the grid of case.json), got [${arr.shape}]`);
  }
  const data = Float64Array.from(arr.data);
  for (let c = 0; c < data.length; c++) {
    const v = data[c];
    if (!Number.isFinite(v) && !(allowNaN && Number.isNaN(v))) {
      throw new Error(`${path}: value at [${Math.floor(c / nx)}, ${c % nx}] must be ${allowNaN ? 'finite or NaN (free)' : 'finite'}, got ${v}`);
    }
  }
  return data;
}

function sideCondition(side: Side, s: z.output<typeof sideSchema>, grid: Grid, source: string): SideCondition {
  if (s.type !== 'head') return s;
  const count = side === 'west' || side === 'east' ? grid.ny : grid.nx;
  if ((s.value === undefined) === (s.values === undefined)) {
    throw new Error(`${source}: boundaries.${side}: a head side needs exactly one of value or values (${count} numbers)`);
  }
  if (s.values !== undefined && s.values.length !== count) {
    const order = side === 'west' || side === 'east' ? 'south to north' : 'west to east';
    throw new Error(`${source}: boundaries.${side}.values must hold ${count} numbers (one per boundary cell, ${order}), got ${s.values.length}`);
  }
  return s.values !== undefined ? { type: 'head', values: s.values } : { type: 'head', value: s.value! };
}

export interface ParsedSite {
  site: Site;
  tests: Well[][];
  testNames: string[];
  units?: SiteUnits;
}

/** The site of a parsed v2 case.json, its arrays read from `dir`, checked as a whole (a region with no
 *  head condition, wells in inactive or fixed-head cells, a fixed head on an inactive cell). */
export function readSite(json: SiteJson, grid: Grid, dir: string, source: string): ParsedSite {
  const active = json.active ? readCells(dir, json.active, grid, false) : undefined;
  const fixedHeads = json.fixedHeads ? readCells(dir, json.fixedHeads, grid, true) : undefined;
  const recharge = typeof json.recharge === 'string' ? readCells(dir, json.recharge, grid, false) : json.recharge;
  if (active && fixedHeads) {
    const c = fixedHeads.findIndex((v, k) => !Number.isNaN(v) && active[k] === 0);
    if (c >= 0) {
      throw new Error(`${join(dir, json.fixedHeads!)}: cell (i=${c % grid.nx}, j=${Math.floor(c / grid.nx)}) has a fixed head but is inactive in ${json.active}`);
    }
  }
  const sides: Site['sides'] = {};
  for (const side of SIDES) {
    const s = json.boundaries?.[side];
    if (s) sides[side] = sideCondition(side, s, grid, source);
  }
  const site: Site = { domain: json.domain, thickness: json.thickness ?? 1, active, fixedHeads, recharge, sides };
  const tests = json.tests.map((t) => t.wells);
  try {
    discretise({ grid, bc: site, tests });
  } catch (err) {
    throw new Error(`${source}: ${(err as Error).message}`);
  }
  return { site, tests, testNames: json.tests.map((t, k) => t.name ?? `test ${k}`), units: json.units };
}

/** The v2 fields of case.json for a site, and the arrays to write beside it (file name, [ny * nx] data). */
export function siteJson(
  grid: Grid, site: Site, tests: Well[][], testNames: string[] | undefined, units: SiteUnits | undefined,
): { json: Record<string, unknown>; arrays: { name: string; data: ArrayLike<number> }[] } {
  const arrays: { name: string; data: ArrayLike<number> }[] = [];
  const file = (name: string, data: ArrayLike<number>) => {
    arrays.push({ name, data });
    return name;
  };
  const boundaries = Object.fromEntries(
    SIDES.filter((s) => site.sides[s]).map((s) => {
      const c = site.sides[s]!;
      return [s, c.type === 'head' && 'values' in c ? { type: 'head', values: Array.from(c.values) } : c];
    }),
  );
  const json = {
    format: SITE_CASE_FORMAT,
    ...(units ? { units } : {}),
    domain: site.domain,
    grid,
    thickness: site.thickness,
    ...(site.active ? { active: file(SITE_FILE_NAMES.active, site.active) } : {}),
    boundaries,
    ...(site.fixedHeads ? { fixedHeads: file(SITE_FILE_NAMES.fixedHeads, site.fixedHeads) } : {}),
    ...(site.recharge !== undefined
      ? { recharge: typeof site.recharge === 'number' ? site.recharge : file(SITE_FILE_NAMES.recharge, site.recharge) }
      : {}),
    tests: tests.map((wells, t) => ({ name: testNames?.[t] ?? `test ${t}`, wells })),
  };
  return { json, arrays };
}
