// The synthetic cases of the comparison studies: settings (sensors, noise, pumping tests) and the fixed
// seeds of each case set. Benchmark and calibration seeds are never used for tuning; tuning uses the
// validation seeds (issue 6: "do not tune on the benchmark's own cases").
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fieldSpec, simulateCase, writeCase } from '@ldinv/fields';

export const FIELD_KINDS = ['gaussian', 'bimaterial'] as const;
export type StudyField = (typeof FIELD_KINDS)[number];

/** The shipped prior each field kind is inverted with. */
export const PRIOR_OF: Record<StudyField, string> = { gaussian: 'gaussian-64', bimaterial: 'bimaterial-64' };

type Wells = { x: number; y: number; rate: number }[];

/** One test without wells (flow between the left and right boundaries) plus three pumping tests. */
export const FOUR_TESTS: Wells[] = [
  [],
  [{ x: 0.3, y: 0.3, rate: 1 }],
  [{ x: 0.7, y: 0.6, rate: 1 }],
  [{ x: 0.4, y: 0.75, rate: -0.5 }],
];

export interface StudySetting {
  name: string;
  label: string;
  /** Sensors on a square grid at k/(n+1), n² = sensors. */
  sensors: number;
  /** Noise σ relative to each test's head range. */
  noise: number;
  tests: Wells[];
}

export const SETTINGS = {
  standard: { name: 'standard', label: '49 sensors, 1 % noise, 1 test', sensors: 49, noise: 0.01, tests: [[]] },
  sensors16: { name: 'sensors16', label: '16 sensors, 1 % noise, 1 test', sensors: 16, noise: 0.01, tests: [[]] },
  noise5: { name: 'noise5', label: '49 sensors, 5 % noise, 1 test', sensors: 49, noise: 0.05, tests: [[]] },
  tests4: { name: 'tests4', label: '49 sensors, 1 % noise, 4 tests', sensors: 49, noise: 0.01, tests: FOUR_TESTS },
  informative: { name: 'informative', label: '225 sensors, 1 % noise, 4 tests', sensors: 225, noise: 0.01, tests: FOUR_TESTS },
} satisfies Record<string, StudySetting>;
export type SettingName = keyof typeof SETTINGS;

/** Seeds of case set `set`, field kind `field`: disjoint ranges, far from the data sets' seeds (1, 2). */
const SEED_BASE = {
  benchmark: { gaussian: 1100, bimaterial: 1200 },
  calibration: { gaussian: 1300, bimaterial: 1400 },
  validation: { gaussian: 1900, bimaterial: 1950 },
  // Issue 19: fresh cases for the paired LD-DIM/pixel comparison, seeds never used while developing.
  comparison: { gaussian: 2300, bimaterial: 2400 },
} as const;
export type CaseSet = keyof typeof SEED_BASE;

export function caseSeeds(set: CaseSet, field: StudyField, count: number): number[] {
  return Array.from({ length: count }, (_, i) => SEED_BASE[set][field] + 1 + i);
}

/**
 * Run seed of every ensemble on the case seeded caseSeed: its own per case, so the cases of a table
 * also average over start draws (with one run seed for all, every case got the same 8 starts and a
 * table row's error carried those starts' luck, e.g. their mean ln K level, on every case at once).
 * The settings of one case share it, so their rows compare the same starts.
 */
export function studyRunSeed(caseSeed: number): number {
  return caseSeed;
}

/** The case directory of (field, setting, seed) under root, simulated on first use. */
export function ensureCase(root: string, field: StudyField, setting: StudySetting, seed: number): string {
  const dir = join(root, `${field}-${setting.name}-s${seed}`);
  if (existsSync(join(dir, 'case.json'))) return dir;
  mkdirSync(dir, { recursive: true });
  writeCase(dir, simulateCase({
    field: fieldSpec(field), grid: { nx: 64, ny: 64 }, sensors: { layout: 'grid', count: setting.sensors },
    noise: setting.noise, bc: 'flow', tests: setting.tests, seed, prior: PRIOR_OF[field],
  }));
  return dir;
}
