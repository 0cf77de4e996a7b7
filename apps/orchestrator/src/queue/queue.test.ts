// Queue mode end to end, on a real redis-server (loopback, password, no persistence): the orchestrator
// and `ldinv worker`s are separate processes, and every run must end bit for bit where a local run with
// the same seeds ends, whatever happens to the workers or to Redis on the way.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Job, Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseFilesHash, priorHash, readCaseFiles } from '../member/content-hash.ts';
import { readJournal, decodeMemberRecord, type DoneMember } from '@ldinv/runs';
import { runLdinv, runNumbers, spawnLdinv, waitForMembers } from '../testing/ldinv-process.fixture.ts';
import { writeTestCase } from '../testing/test-case.fixture.ts';
import { writeTinyPrior } from '../testing/tiny-prior.fixture.ts';
import { haveRedisServer, startLocalRedis, type LocalRedis } from './local-redis.ts';
import { decodeTaskResult, encodeMemberJob, QUEUE_NAME, QUEUE_PREFIX, type MemberJobContext } from './member-job.ts';
import { spawnWorker, started, track } from './queue-process.fixture.ts';
import { redisOptions } from './redis-url.ts';
import { HAVE_OPENSSL, makeServerCertificate } from './tls-cert.fixture.ts';

const HAVE_REDIS = haveRedisServer();
const suite = HAVE_REDIS ? describe : describe.skip;
const caseDir = writeTestCase();
const root = mkdtempSync(join(tmpdir(), 'ldinv-queue-'));
const MEMBERS = 8;
const args = (out: string, members = MEMBERS) => [
  'invert', '--case', caseDir, '--method', 'pixel', '--mode', 'rml', '--members', String(members), '--iters', '30', '--seed', '11',
  '--max-misfit', '1000', '--out', out,
];
let redis: LocalRedis;
let reference: Map<string, Buffer>;
/** Each test its own Redis database: BullMQ's stalled-check pacing (a key per queue) must not carry over. */
const inDb = (db: number) => redis.url.replace(/\/0$/, `/${db}`);

const record = (run: string, m: number) => {
  const path = join(run, 'members', `m${String(m).padStart(5, '0')}.msgpack`);
  return decodeMemberRecord(readFileSync(path), path) as DoneMember;
};
/** Worker process of a member record: `host:pid` of `host:pid/thread`. */
const processOf = (r: DoneMember) => r.timing.worker.split('/')[0];
const journal = (run: string) => readJournal(join(run, 'journal.ndjson'));

/** Every member stored exactly once, done, and bit for bit the local run's. */
function expectSameAsLocal(out: string, members = MEMBERS): void {
  const done = journal(out).filter((e) => e.type === 'member-done').map((e) => e.member as number);
  expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: members }, (_, m) => m));
  expect(journal(out).filter((e) => e.type === 'member-failed')).toEqual([]);
  expect(runNumbers(out)).toEqual(reference);
}

beforeAll(async () => {
  if (!HAVE_REDIS) return;
  // A password with a space: the URL carries it percent-encoded.
  redis = await startLocalRedis({ password: 'ldinv test' });
  const out = join(root, 'local');
  const r = await runLdinv([...args(out), '--workers', '2', '--batch', '1']);
  expect(r.stderr).toBe('');
  reference = runNumbers(out);
});

afterAll(async () => {
  for (const child of started) child.kill('SIGKILL');
  await redis?.stop();
});

suite(`queue mode${HAVE_REDIS ? '' : ' (skipped: redis-server is not on PATH; apt-get install redis-server)'}`, () => {
  it('two worker processes, one joining mid-run and one leaving on SIGTERM after its member, give the local results', async () => {
    const url = inDb(1);
    const out = join(root, 'two-workers');
    const slow = 'delay:ms=700';
    const a = spawnWorker(url, ['--workers', '1'], slow);
    await a.waitFor('worker-ready');
    const orchestrator = track(spawnLdinv([...args(out), '--queue', url, '--json']));
    await a.waitFor('job-start');
    const b = spawnWorker(url, ['--workers', '1'], slow);
    await b.waitFor('job-start');
    // SIGTERM while A is on a member: it finishes that one, returns it, and leaves.
    const next = await a.waitFor('job-start', () => true, a.events.length);
    a.child.kill('SIGTERM');
    const left = await a.done;
    expect(left.code).toBe(0);
    expect(a.events.at(-1)).toMatchObject({ type: 'worker-stop', failed: 0 });
    expect(a.events.filter((e) => e.type === 'job-done').map((e) => e.type === 'job-done' && e.job)).toContain(next.job);

    const r = await orchestrator.done;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; queue?: string });
    expect(lines[0]).toMatchObject({ type: 'run-start', queue: url.replace('ldinv%20test', '***') });
    expect(lines.filter((e) => e.type === 'progress').length).toBeGreaterThanOrEqual(MEMBERS);
    expectSameAsLocal(out);
    // A's last member was stored from A (not rerun), and B took work after joining.
    const hostA = `${hostname()}:${a.child.pid}`;
    expect(processOf(record(out, next.member))).toBe(hostA);
    expect(record(out, next.member).attempts).toBe(1);
    const processes = new Set(Array.from({ length: MEMBERS }, (_, m) => processOf(record(out, m))));
    expect(processes).toEqual(new Set([hostA, `${hostname()}:${b.child.pid}`]));
    b.child.kill('SIGTERM');
    expect((await b.done).code).toBe(0);
  });

  it('a worker killed with SIGKILL mid-member: its member stalls, runs on the other worker, and is stored once', async () => {
    const url = inDb(2);
    const out = join(root, 'sigkill');
    const slow = 'delay:ms=500';
    const a = spawnWorker(url, ['--workers', '1', '--lock-ms', '1000'], slow);
    const b = spawnWorker(url, ['--workers', '1', '--lock-ms', '1000'], slow);
    await Promise.all([a.waitFor('worker-ready'), b.waitFor('worker-ready')]);
    const orchestrator = track(spawnLdinv([...args(out), '--queue', url]));
    const held = await a.waitFor('job-start');
    a.child.kill('SIGKILL');
    expect((await a.done).signal).toBe('SIGKILL');
    const r = await orchestrator.done;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expectSameAsLocal(out);
    // B's stalled-job check found A's job; B ran the member.
    await b.waitFor('job-stalled', (e) => e.job === held.job, 0, 1);
    expect(processOf(record(out, held.member))).toBe(`${hostname()}:${b.child.pid}`);
    expect(journal(out).filter((e) => e.type === 'member-retry')).toEqual([]);
    b.child.kill('SIGTERM');
    await b.done;
  });

  it('Redis restarted mid-run (its data gone): workers and orchestrator reconnect, re-enqueue and finish', async () => {
    const url = inDb(3);
    const out = join(root, 'restart');
    const slow = 'delay:ms=400';
    const workers = [0, 1].map(() => spawnWorker(url, ['--workers', '1', '--lock-ms', '2000'], slow));
    await Promise.all(workers.map((w) => w.waitFor('worker-ready')));
    const orchestrator = track(spawnLdinv([...args(out), '--queue', url]));
    await waitForMembers(out, 2);
    await redis.restart(800);
    const r = await orchestrator.done;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expectSameAsLocal(out);
    expect(workers.some((w) => w.events.some((e) => e.type === 'redis-error'))).toBe(true);
    for (const w of workers) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.done));
  });

  it('orchestrator killed mid-run: the worker finishes its jobs, and --resume --queue collects them without running them again', async () => {
    const url = inDb(4);
    const out = join(root, 'resume');
    const w = spawnWorker(url, ['--workers', '2'], 'delay:ms=300');
    await w.waitFor('worker-ready');
    const first = track(spawnLdinv([...args(out), '--queue', url]));
    await waitForMembers(out, 2);
    first.child.kill('SIGKILL');
    await first.done;
    // Nobody listens, yet every job completes and waits in Redis for whoever resumes.
    await w.waitFor('job-done', () => w.events.filter((e) => e.type === 'job-done').length === MEMBERS);
    const r = await runLdinv(['invert', '--resume', out, '--queue', url]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(runNumbers(out)).toEqual(reference);
    const starts = w.events.filter((e) => e.type === 'job-start').map((e) => e.type === 'job-start' && e.member);
    expect(starts.sort()).toEqual(Array.from({ length: MEMBERS }, (_, m) => m));
    const resumed = journal(out).filter((e) => e.type === 'run-start')[1].planned as number[];
    expect(resumed.length).toBeGreaterThan(0);
    expect(journal(out).filter((e) => e.type === 'member-done' && resumed.includes(e.member as number)).map((e) => e.member)).toEqual(
      expect.arrayContaining(resumed),
    );
    w.child.kill('SIGTERM');
    await w.done;
  });

  it('fails a malformed job or one whose prior differs, alone, with its reason; then runs a latent member from the prior store', async () => {
    const url = inDb(5);
    const prior = await writeTinyPrior(join(mkdtempSync(join(tmpdir(), 'ldinv-store-')), 'tiny'));
    const w = spawnWorker(url, ['--workers', '1', '--priors', join(prior, '..')]);
    await w.waitFor('worker-ready');
    const connection = redisOptions(url);
    const queue = new Queue(QUEUE_NAME, { connection, prefix: QUEUE_PREFIX });
    try {
      const files = readCaseFiles(caseDir);
      const context = (hash: string): MemberJobContext => ({
        run: 'probe', case: { name: 'case', hash: caseFilesHash(files), files }, prior: { name: 'tiny', hash },
        method: 'vae', mode: 'multistart', iters: 5, param: 'latent', refine: 0, burnIn: 0, steps: 1, thin: 1, initLogK: 0, backend: 'auto',
      });
      // Polled from the job's state, as the executor's reconciliation does: a QueueEvents reader can
      // miss an event published before its first read (seen once under load: the test hung).
      const outcome = async (id: string): Promise<{ failed?: string; value?: unknown }> => {
        for (;;) {
          const state = await queue.getJobState(id);
          if (state === 'completed' || state === 'failed') {
            const job = (await Job.fromId(queue, id))!;
            return state === 'failed' ? { failed: job.failedReason } : { value: job.returnvalue };
          }
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      };
      const junk = outcome('junk/1');
      await queue.add('member', 'rm -rf /', { jobId: 'junk/1' });
      expect(await junk).toEqual({ failed: 'job junk/1: data must be { payload: base64 msgpack }' });
      const other = outcome('probe/0');
      await queue.add('member', encodeMemberJob(context('0'.repeat(64)), { index: 0, seed: 5 }, 0), { jobId: 'probe/0' });
      expect((await other).failed).toMatch(/^prior tiny: .+ has content hash [0-9a-f]{12}, the job's prior has 000000000000; refusing to run with another prior$/);
      const good = outcome('probe/1');
      await queue.add('member', encodeMemberJob(context(priorHash(prior)), { index: 1, seed: 6 }, 0), { jobId: 'probe/1' });
      const { value } = await good;
      const result = decodeTaskResult(value, 'probe/1');
      expect(result.members.map((m) => [m.index, m.seed])).toEqual([[1, 6]]);
      expect(result.members[0].logK).toHaveLength(256);
      expect(result.members[0].logK.every(Number.isFinite)).toBe(true);
      expect(w.events.filter((e) => e.type === 'job-failed')).toHaveLength(2);
    } finally {
      await queue.close();
      w.child.kill('SIGTERM');
      await w.done;
    }
  });

  it('a wrong password fails in one line, password hidden, before a run directory exists', async () => {
    const out = join(root, 'wrong-password');
    const url = inDb(6).replace('ldinv%20test', 'nope');
    const r = await runLdinv([...args(out), '--queue', url]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^ldinv: redis://:\\*\\*\\*@127\\.0\\.0\\.1:${redis.port}/6: WRONGPASS [^\\n]+\\n$`));
    expect(existsSync(out)).toBe(false);
  });

  it.skipIf(!HAVE_OPENSSL)('runs over TLS (rediss://), trusting a private CA through NODE_EXTRA_CA_CERTS, and refuses an unknown CA', async () => {
    const cert = makeServerCertificate();
    const tls = await startLocalRedis({ password: 'tls pw', tls: cert });
    try {
      const out = join(root, 'tls');
      const env = { NODE_EXTRA_CA_CERTS: cert.ca };
      const untrusted = await runLdinv([...args(join(root, 'untrusted'), 2), '--queue', tls.url]);
      expect(untrusted.code).toBe(1);
      expect(untrusted.stderr).toMatch(/^ldinv: rediss:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0: .*certificate.*\n$/);
      const w = spawnWorker(tls.url, ['--workers', '1'], undefined, env);
      await w.waitFor('worker-ready');
      const r = await runLdinv([...args(out, 2), '--queue', tls.url], undefined, env);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const members = [...runNumbers(out)].filter(([k]) => k.startsWith('members/'));
      expect(members).toEqual([...reference].filter(([k]) => k === 'members/m00000.msgpack' || k === 'members/m00001.msgpack'));
      w.child.kill('SIGTERM');
      await w.done;
    } finally {
      await tls.stop();
    }
  });
});
