// Where a queue worker finds the prior a job names: in its shared store (`--priors DIR`, holding
// <name>/manifest.json, model.json, weights.bin), else at the name itself (a path visible on this host,
// or a prior shipped with ldinv). Only a prior with the job's content hash is used: a worker never
// runs members with other weights under the same name.
import { basename, resolve } from 'node:path';
import { resolvePriorDir } from '@ldinv/prior';
import { priorHash } from '../member/content-hash.ts';

export interface PriorIdentity {
  name: string;
  /** sha256 of manifest.json + model.json + weights.bin. */
  hash: string;
}

/** Directories that could hold the prior, in search order (existing ones only). */
function candidates(prior: PriorIdentity, store: string | null): string[] {
  const names = [...(store ? [resolve(store, basename(prior.name))] : []), prior.name];
  const out: string[] = [];
  for (const n of names) {
    try {
      const dir = resolve(resolvePriorDir(n));
      if (!out.includes(dir)) out.push(dir);
    } catch {
      // Not there: try the next place.
    }
  }
  return out;
}

/** The directory of the job's prior on this host; throws naming what was found and what was wanted. */
export function findPrior(prior: PriorIdentity, store: string | null, hashOf: (dir: string) => string = priorHash): string {
  const found = candidates(prior, store);
  if (found.length === 0) {
    const where = store ? `${resolve(store, basename(prior.name))} or ${prior.name}` : prior.name;
    throw new Error(`prior ${prior.name}: not found on this worker (looked at ${where}); start the worker with --priors DIR holding ${basename(prior.name)}/`);
  }
  const hashes = found.map((dir) => hashOf(dir));
  const i = hashes.indexOf(prior.hash);
  if (i >= 0) return found[i];
  throw new Error(`prior ${prior.name}: ${found[0]} has content hash ${hashes[0].slice(0, 12)}, the job's prior has ${prior.hash.slice(0, 12)}; refusing to run with another prior`);
}
