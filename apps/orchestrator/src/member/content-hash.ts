// Content hashes that say "same data" across hosts: a case is case.json + obs.csv (what the inversion
// reads; a truth is only for metrics), a prior is manifest.json + model.json + weights.bin. run.json
// keeps both, a resume or a shard refuses changed data, and a queue worker refuses another prior.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CASE_FILES } from '@ldinv/fields';

/** Files of a case that decide its members, in hash order. */
export const CASE_HASH_FILES = [CASE_FILES.json, CASE_FILES.obs] as const;
/** Files of a prior that decide its members, in hash order. */
export const PRIOR_HASH_FILES = ['manifest.json', 'model.json', 'weights.bin'] as const;

export type CaseFiles = Record<(typeof CASE_HASH_FILES)[number], Uint8Array>;

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
  return { [CASE_FILES.json]: readPart(dir, CASE_FILES.json, 'case'), [CASE_FILES.obs]: readPart(dir, CASE_FILES.obs, 'case') };
}

export function caseFilesHash(files: CaseFiles): string {
  return sha256Hex(CASE_HASH_FILES.map((f) => files[f]));
}

export function caseHash(dir: string): string {
  return caseFilesHash(readCaseFiles(dir));
}

export function priorHash(dir: string): string {
  return sha256Hex(PRIOR_HASH_FILES.map((f) => readPart(dir, f, 'prior')));
}
