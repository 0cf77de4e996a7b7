// A member's result, as one zod schema with its types inferred from it: a worker returns a
// MemberOutcome, the app's queue carries it (apps/orchestrator/src/queue/member-job.ts), the scheduler stores it as a DoneMember
// (the outcome spread + attempts and timing), and resume and aggregation read it back, each through
// the schema below. One file per member, msgpackr-encoded with typed arrays kept binary (moreTypes),
// so a 64x64 member with its heads is a few tens of kB and decodes without parsing numbers.
import { z } from 'zod';
import { firstIssue } from '../codec/first-issue.ts';
import { packBinary, unpackBinary } from '../codec/binary-pack.ts';

export const MEMBER_RECORD_VERSION = 1;

/** What a wrong value is, for a message: `array`, `null`, `Int32Array`, `string`. */
function kindOf(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null || typeof v !== 'object') return v === null ? 'null' : typeof v;
  return v.constructor?.name ?? 'object';
}

const int = (min: number) => z.number().int().min(min);
// z.number() refuses NaN and ±Infinity; a diverged member's misfit is NaN and still a result.
const anyNumber = z.custom<number>((v) => typeof v === 'number', { error: (i) => `expected a number, got ${kindOf(i.input)}` });
// Not z.instanceof, whose type is Float64Array<ArrayBuffer>: optim's arrays are typed on any ArrayBufferLike.
const typedArray = <T extends ArrayBufferView>(type: abstract new (...args: never[]) => ArrayBufferView) =>
  z.custom<T>((v) => v instanceof type, { error: (i) => `expected ${type.name}, got ${kindOf(i.input)}` });
const f64 = typedArray<Float64Array>(Float64Array);

/** Convergence history: one entry per recorded iteration. */
const memberHistorySchema = z.object({
  iteration: typedArray<Int32Array>(Int32Array),
  /** χ²/M = Σ ((h_i − d_i)/σ_i)² / M at that iteration. */
  misfit: f64,
  /** Regulariser value λ R at that iteration (0 where the method has none). */
  regulariser: f64,
  /** Relative L2 error of ln K against the case's truth_logk.npy (cases that have one); NaN where
   *  the method did not form ln K that iteration. */
  logKError: f64.optional(),
});

/**
 * What a member's inversion produced: the worker sends it back, a done record stores it. A field
 * added here is carried by the queue, stored and read back; @ldinv/optim's MemberResult must carry
 * it too (the app's member/run-members.ts does not compile until both have it).
 */
const solutionShape = {
  grid: z.object({ nx: int(1), ny: int(1) }),
  /** ln K, ny*nx row-major. */
  logK: f64,
  /** Heads of every pumping test, each ny*nx row-major. */
  heads: z.array(f64),
  /** Predicted heads at the observations, in obs.csv order. */
  predicted: f64,
  /** Final χ²/M. */
  misfit: anyNumber,
  /** Final regulariser value. */
  regulariser: anyNumber,
  history: memberHistorySchema,
  /** Iterations taken (the optimiser may stop early, e.g. at the noise level). */
  iterations: int(0),
  /** Why the optimiser stopped ('noise-level', 'stalled', 'max-iterations'; L-BFGS: 'converged', ...). */
  stopReason: z.string(),
  /** ldim with a refine stage that ran: the first iteration of the refine stage in history. */
  refineFrom: int(0).optional(),
  /** ldim, vae: the prior weight λ at the end of the latent stage (it adapts). */
  priorWeight: anyNumber.optional(),
  /** mcmc: the member's Markov chain after its descent (its final ln K is the chain's last state). */
  chain: z.object({
    /** First history iteration of the chain (burn-in included); the history before it is the descent. */
    from: int(0),
    burnIn: int(0),
    thin: int(1),
    /** Kept ln K samples, [kept, ny*nx] row-major. */
    samples: typedArray<Float32Array>(Float32Array),
    /** χ²/M of each kept sample against the case's data. */
    sampleMisfit: f64,
    /** Metropolis acceptance probability min(1, α) of every chain step, burn-in included. */
    acceptance: typedArray<Float32Array>(Float32Array),
    /** Step size β after burn-in. */
    stepSize: anyNumber,
  }).optional(),
};

const memberId = { index: int(0), seed: int(0) };

type Solution = z.infer<z.ZodObject<typeof solutionShape>>;

/** ln K, every test's heads and a chain's samples cover the grid (a record from another case or a torn write does not). */
function coversGrid(m: Solution, ctx: z.RefinementCtx): void {
  const n = m.grid.nx * m.grid.ny;
  const grid = `grid ${m.grid.nx}x${m.grid.ny}`;
  const expected = `expected a Float64Array of ${n} values (${grid})`;
  if (m.logK.length !== n) ctx.addIssue({ code: 'custom', path: ['logK'], message: `${expected}, got ${m.logK.length}` });
  m.heads.forEach((h, t) => {
    if (h.length !== n) ctx.addIssue({ code: 'custom', path: ['heads', t], message: `${expected}, got ${h.length}` });
  });
  if (m.chain && m.chain.samples.length !== m.chain.sampleMisfit.length * n) {
    const message = `expected ${m.chain.sampleMisfit.length} samples (one per sampleMisfit) of ${n} values (${grid}), got ${m.chain.samples.length} values`;
    ctx.addIssue({ code: 'custom', path: ['chain', 'samples'], message });
  }
}

/** A member's result as a worker returns it (to the pool, a device host or the queue). */
export const memberOutcomeSchema = z.object({ ...memberId, ...solutionShape }).superRefine(coversGrid);
export type MemberOutcome = z.infer<typeof memberOutcomeSchema>;
export type MemberHistory = MemberOutcome['history'];

const timingSchema = z.object({
  /** ISO time the member's task started in its worker. */
  startedAt: z.string(),
  /** Wall time of the member's task in its worker, ms (a batch's members share it). */
  wallMs: anyNumber,
  /** Where it ran, e.g. `host:pid/thread 3`. Not part of the result: resume compares results only. */
  worker: z.string(),
});
export type MemberTiming = z.infer<typeof timingSchema>;

const version = z.literal(MEMBER_RECORD_VERSION, { error: (i) => `expected ${MEMBER_RECORD_VERSION}, got ${String(i.input)}` });
const recordBase = {
  version,
  ...memberId,
  /** Attempts this member took, including the final one. */
  attempts: int(1),
};

const doneMemberSchema = z
  .object({ ...recordBase, status: z.literal('done'), ...solutionShape, timing: timingSchema })
  .superRefine(coversGrid);
export type DoneMember = z.infer<typeof doneMemberSchema>;

const failedMemberSchema = z.object({
  ...recordBase,
  status: z.literal('failed'),
  /** One-line message of the last failure. */
  error: z.string(),
  /** Messages of every failed attempt, first first. */
  errors: z.array(z.string()),
});
export type FailedMember = z.infer<typeof failedMemberSchema>;

export const memberRecordSchema = z.discriminatedUnion('status', [doneMemberSchema, failedMemberSchema]);
export type MemberRecord = z.infer<typeof memberRecordSchema>;

/** The stored record of a member that finished: its outcome as the worker returned it, plus the scheduler's book-keeping. */
export function doneMemberRecord(outcome: MemberOutcome, attempts: number, timing: MemberTiming): DoneMember {
  return { version: MEMBER_RECORD_VERSION, status: 'done', ...outcome, attempts, timing };
}

export function encodeMemberRecord(record: MemberRecord): Uint8Array {
  return packBinary(record);
}

// Checked first, so a file of another version says so rather than naming the first field that differs.
const versionOnly = z.looseObject({ version });

/** Decodes and checks a member file; throws one line `source: field: what was wrong`. */
export function decodeMemberRecord(bytes: Uint8Array, source: string): MemberRecord {
  let value: unknown;
  try {
    value = unpackBinary(bytes);
  } catch (err) {
    throw new Error(`${source}: not a member record (${(err as Error).message})`);
  }
  const header = versionOnly.safeParse(value);
  if (!header.success) throw new Error(`${source}: ${firstIssue(header.error)}`);
  const parsed = memberRecordSchema.safeParse(value);
  if (!parsed.success) throw new Error(`${source}: ${firstIssue(parsed.error)}`);
  return parsed.data;
}
