// Content hashes that say "same data" across hosts: a case is case.json + obs.csv + a site's arrays
// (what the inversion reads; a truth is only for metrics), a prior is manifest.json + model.json +
// weights.bin. run.json keeps both, a resume or a shard refuses changed data, and a queue worker
// refuses another prior.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '@ldinv/tensor';
import { caseInputFiles } from '@ldinv/fields';

/** Files of a prior that decide its members, in hash order. */
export const PRIOR_HASH_FILES = ['manifest.json', 'model.json', 'weights.bin'] as const;

/** A case's input files by their path relative to the case directory, in hash order (caseInputFiles). */
export type CaseFiles = Record<string, Uint8Array>;

/** sha256 over the concatenated parts, hex. */
export function sha256Hex(parts: readonly Uint8Array[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

function readPart(dir: string, file: string, what: string): Uint8Array {
  const path = join(dir, file);
  if (!existsSync(path)) throw new Error(`${path}: missing (the ${what} content hash needs it)`);
  return readFileSync(path);
}

export function readCaseFiles(dir: string): CaseFiles {
  return Object.fromEntries(caseInputFiles(dir).map((f) => [f, readPart(dir, f, 'case')]));
}

/** Writes a case's files into `dir` (a worker's copy of a queued case); files already there are kept,
 *  since the directory is named by their content hash. */
export function writeCaseFiles(dir: string, files: CaseFiles): void {
  for (const [f, bytes] of Object.entries(files)) {
    const path = join(dir, f);
    if (existsSync(path)) continue;
    mkdirSync(dirname(path), { recursive: true });
    writeFileAtomic(path, bytes);
  }
}

/** sha256 of the files in their order (a unit-square case: case.json then obs.csv, as before sites). */
export function caseFilesHash(files: CaseFiles): string {
  return sha256Hex(Object.values(files));
}

export function caseHash(dir: string): string {
  return caseFilesHash(readCaseFiles(dir));
}

export function priorHash(dir: string): string {
  return sha256Hex(PRIOR_HASH_FILES.map((f) => readPart(dir, f, 'prior')));
}
