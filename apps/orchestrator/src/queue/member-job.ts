// What travels through the queue: one job per member, `{ payload }` with the payload msgpackr-encoded
// (base64, since BullMQ stores job data as JSON), holding the member, the case files themselves (a
// worker on another host needs no shared file system for them) and the prior's identity (name +
// content hash, never the weights). A result comes back the same way, its members checked by the
// member record's own schema (@ldinv/runs' run-store/member-record.ts). Both are data only, checked on arrival:
// a malformed job or result fails with a message naming the job and the field.
import { ENSEMBLE_MODES, INVERSION_METHODS, LATENT_PARAMS } from '@ldinv/optim';
import { BACKEND_CHOICES } from '@ldinv/tensor';
import { z } from 'zod';
import { packBinary, unpackBinary, firstIssue, memberOutcomeSchema, type MemberSettings } from '@ldinv/runs';
import { caseFilesHash, type CaseFiles } from '../member/content-hash.ts';
import type { TaskResult } from '../member/task.ts';

export const JOB_FORMAT = 'ldinv-member-job';
export const JOB_VERSION = 1;
/** BullMQ key prefix and queue name: keys are `ldinv:members:*`. */
export const QUEUE_PREFIX = 'ldinv';
export const QUEUE_NAME = 'members';

/** Job id of a member: idempotent, so enqueueing it again (a resume) finds the job already there.
 *  BullMQ reserves ':' in ids for its own keys, hence '/'. */
export const memberJobId = (runKey: string, member: number) => `${runKey}/${member}`;

/** Everything a worker needs that is the same for all members of a run. */
export interface MemberJobContext extends MemberSettings {
  /** runKey of run.json. */
  run: string;
  case: { name: string; hash: string; files: CaseFiles };
  /** Prior identity; null for methods without one. */
  prior: { name: string; hash: string } | null;
}

export interface MemberJob extends MemberJobContext {
  format: typeof JOB_FORMAT;
  version: typeof JOB_VERSION;
  member: { index: number; seed: number };
  /** Scheduler attempt, from 0 (fault injection and the record's attempt count use it). */
  attempt: number;
}

/** BullMQ job data. */
export interface JobData {
  payload: string;
}

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 in hex');
/** A case file's path relative to the case directory: written by the worker, so never absolute or upwards. */
const caseFileName = z.string().regex(/^(?!\/)(?!.*(^|\/)\.\.(\/|$))[A-Za-z0-9._/-]+$/, 'expected a relative path inside the case directory');
const bytes = z.instanceof(Uint8Array);
const int = (min: number) => z.number().int().min(min);
// z.number() refuses NaN and ±Infinity; a diverged member's misfit is NaN and still a result.
const anyNumber = z.custom<number>((v) => typeof v === 'number', 'expected a number');

const memberJobSchema = z.strictObject({
  format: z.literal(JOB_FORMAT),
  version: z.literal(JOB_VERSION),
  run: z.string().regex(/^[A-Za-z0-9._-]+$/, 'expected a run key of letters, digits, . _ -'),
  member: z.strictObject({ index: int(0), seed: int(0).max(2 ** 32 - 1) }),
  attempt: int(0),
  case: z.strictObject({
    name: z.string(), hash: hex64,
    files: z.record(caseFileName, bytes).refine((f) => 'case.json' in f && 'obs.csv' in f, 'expected case.json and obs.csv among the case files'),
  }),
  prior: z.strictObject({ name: z.string().min(1), hash: hex64 }).nullable(),
  method: z.enum(INVERSION_METHODS),
  mode: z.enum(ENSEMBLE_MODES),
  iters: int(1),
  param: z.enum(LATENT_PARAMS),
  refine: int(0),
  burnIn: int(0),
  steps: int(1),
  thin: int(1),
  initLogK: z.number(),
  backend: z.enum(BACKEND_CHOICES),
});

const taskResultSchema = z.object({
  id: int(0),
  members: z.array(memberOutcomeSchema),
  backend: z.string(), worker: z.string(), startedAt: z.string(),
  startEpochMs: anyNumber, endEpochMs: anyNumber, initMs: anyNumber, pickedUpEpochMs: anyNumber.optional(),
});

const toBase64 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');

function fromBase64(text: unknown, what: string): unknown {
  // Padded base64 comes in blocks of 4. Stray characters (Node's decoder skips them) are not checked
  // one by one, which costs ms on a large result: the msgpack and field checks catch what they make.
  if (typeof text !== 'string' || text.length % 4 !== 0) throw new Error(`${what} must be base64 text`);
  try {
    return unpackBinary(Buffer.from(text, 'base64'));
  } catch (err) {
    throw new Error(`${what} is not msgpack (${(err as Error).message.split('\n')[0]})`);
  }
}

export function encodeMemberJob(context: MemberJobContext, member: { index: number; seed: number }, attempt: number): JobData {
  const job: MemberJob = { format: JOB_FORMAT, version: JOB_VERSION, ...context, member, attempt };
  return { payload: toBase64(packBinary(job)) };
}

/** Checks a job's data field by field; throws `job ID: ...` naming what is wrong. */
export function decodeMemberJob(data: unknown, jobId: string | undefined): MemberJob {
  const where = `job ${jobId ?? '(no id)'}`;
  if (typeof data !== 'object' || data === null || !('payload' in data)) throw new Error(`${where}: data must be { payload: base64 msgpack }`);
  let value: unknown;
  try {
    value = fromBase64((data as { payload: unknown }).payload, 'payload');
  } catch (err) {
    throw new Error(`${where}: ${(err as Error).message}`);
  }
  const parsed = memberJobSchema.safeParse(value);
  if (!parsed.success) throw new Error(`${where}: payload ${firstIssue(parsed.error)}`);
  const job = parsed.data as MemberJob;
  if (caseFilesHash(job.case.files) !== job.case.hash) throw new Error(`${where}: payload case files do not match their hash ${job.case.hash}`);
  if (jobId !== memberJobId(job.run, job.member.index)) {
    throw new Error(`${where}: payload is member ${job.member.index} of run ${job.run}, whose job id is ${memberJobId(job.run, job.member.index)}`);
  }
  return job;
}

export function encodeTaskResult(result: TaskResult): string {
  return toBase64(packBinary(result));
}

/** A worker's return value back to a TaskResult; throws naming the job and the field when malformed. */
export function decodeTaskResult(value: unknown, jobId: string): TaskResult {
  let decoded: unknown;
  try {
    decoded = fromBase64(value, 'result');
  } catch (err) {
    throw new Error(`job ${jobId}: ${(err as Error).message}`);
  }
  const parsed = taskResultSchema.safeParse(decoded);
  if (!parsed.success) throw new Error(`job ${jobId}: result ${firstIssue(parsed.error)}`);
  return parsed.data as TaskResult;
}
