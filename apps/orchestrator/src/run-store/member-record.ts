// One file per member, msgpackr-encoded with typed arrays kept binary (moreTypes), so a 64x64 member
// with its heads is a few tens of kB and decodes without parsing numbers.
import { packBinary, unpackBinary } from '../codec/binary-pack.ts';

export const MEMBER_RECORD_VERSION = 1;

/** Convergence history: one entry per recorded iteration. */
export interface MemberHistory {
  iteration: Int32Array;
  /** χ²/M = Σ ((h_i − d_i)/σ_i)² / M at that iteration. */
  misfit: Float64Array;
  /** Regulariser value λ R at that iteration (0 where the method has none). */
  regulariser: Float64Array;
  /** Relative L2 error of ln K against the case's truth_logk.npy (cases that have one); NaN where
   *  the method did not form ln K that iteration. */
  logKError?: Float64Array;
}

export interface MemberTiming {
  /** ISO time the member's task started in its worker. */
  startedAt: string;
  /** Wall time of the member's task in its worker, ms (a batch's members share it). */
  wallMs: number;
  /** Where it ran, e.g. `host:pid/thread 3`. Not part of the result: resume compares results only. */
  worker: string;
}

interface MemberBase {
  version: typeof MEMBER_RECORD_VERSION;
  index: number;
  seed: number;
  /** Attempts this member took, including the final one. */
  attempts: number;
}

/** What a member's inversion produced: the worker sends it back, a done record stores it. */
export interface MemberSolution {
  grid: { nx: number; ny: number };
  /** ln K, ny*nx row-major. */
  logK: Float64Array;
  /** Heads of every pumping test, each ny*nx row-major. */
  heads: Float64Array[];
  /** Predicted heads at the observations, in obs.csv order. */
  predicted: Float64Array;
  /** Final χ²/M. */
  misfit: number;
  /** Final regulariser value. */
  regulariser: number;
  history: MemberHistory;
  /** Iterations taken (the optimiser may stop early, e.g. at the noise level). */
  iterations: number;
  /** Why the optimiser stopped ('noise-level', 'stalled', 'max-iterations'). */
  stopReason: string;
  /** ldim with a refine stage that ran: the first iteration of the refine stage in history. */
  refineFrom?: number;
  /** ldim, vae: the prior weight λ at the end of the latent stage (it adapts). */
  priorWeight?: number;
}

export interface DoneMember extends MemberBase, MemberSolution {
  status: 'done';
  timing: MemberTiming;
}

export interface FailedMember extends MemberBase {
  status: 'failed';
  /** One-line message of the last failure. */
  error: string;
  /** Messages of every failed attempt, first first. */
  errors: string[];
}

export type MemberRecord = DoneMember | FailedMember;

export function encodeMemberRecord(record: MemberRecord): Uint8Array {
  return packBinary(record);
}

export function decodeMemberRecord(bytes: Uint8Array, source: string): MemberRecord {
  let value: unknown;
  try {
    value = unpackBinary(bytes);
  } catch (err) {
    throw new Error(`${source}: not a member record (${(err as Error).message})`);
  }
  const r = value as { version?: unknown; index?: unknown; seed?: unknown; status?: unknown; grid?: { nx?: number; ny?: number }; logK?: unknown; heads?: unknown };
  if (typeof r !== 'object' || r === null || r.version !== MEMBER_RECORD_VERSION) {
    throw new Error(`${source}: member record version must be ${MEMBER_RECORD_VERSION}, got ${String(r?.version)}`);
  }
  if (!Number.isInteger(r.index) || !Number.isInteger(r.seed)) {
    throw new Error(`${source}: member record needs integer index and seed`);
  }
  if (r.status === 'done') {
    const n = (r.grid?.nx ?? 0) * (r.grid?.ny ?? 0);
    if (!(r.logK instanceof Float64Array) || r.logK.length !== n) {
      throw new Error(`${source}: logK must be a Float64Array of ${n} values`);
    }
    if (!Array.isArray(r.heads) || r.heads.some((h) => !(h instanceof Float64Array) || h.length !== n)) {
      throw new Error(`${source}: heads must be Float64Arrays of ${n} values`);
    }
  } else if (r.status !== 'failed') {
    throw new Error(`${source}: status must be 'done' or 'failed', got ${String(r.status)}`);
  }
  return value as MemberRecord;
}
