// Member seeds and batches. Seed m depends on (run seed, m) only, never on which worker or batch ran it,
// so a resume, a shard or a queue worker gives bit-identical members.
import { fmix32 } from '@ldinv/tensor';

/** Seed of member `index` in a run seeded `runSeed`: a uint32 that is a hash of both. */
export function memberSeed(runSeed: number, index: number): number {
  // Golden-ratio increments keep (seed, index) pairs apart before mixing.
  return fmix32((fmix32(runSeed >>> 0) + Math.imul(index + 1, 0x9e3779b9)) >>> 0);
}

/** Splits member indices (in order) into tasks of at most `batch` members. */
export function planBatches(indices: readonly number[], batch: number): number[][] {
  if (!Number.isInteger(batch) || batch < 1) throw new Error(`--batch must be an integer >= 1, got ${batch}`);
  const out: number[][] = [];
  for (let i = 0; i < indices.length; i += batch) out.push(indices.slice(i, i + batch));
  return out;
}
