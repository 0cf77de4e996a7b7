// Slurm job arrays: shard I of N runs the members with index ≡ I (mod N) into a shared run directory.
// Round-robin (not contiguous blocks) keeps shards balanced when early members differ in cost from
// late ones, and needs nothing but (I, N) to know who owns a member.

export interface Shard {
  /** 0-based, < count. */
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!m || !(count >= 1) || !(index < count)) {
    throw new Error(`--shard must be I/N with 0 <= I < N (e.g. $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT), got '${text}'`);
  }
  return { index, count };
}

export const shardLabel = (s: Shard) => `${s.index}/${s.count}`;

export const inShard = (member: number, s: Shard) => member % s.count === s.index;
