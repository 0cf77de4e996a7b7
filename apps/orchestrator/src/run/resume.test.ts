// Reliability of a run, through the real CLI in child processes: kill -9 then --resume, and Ctrl-C then
// --resume, each end bit for bit where an uninterrupted run with the same seeds ends.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readJournal, type RunManifest } from '@ldinv/runs';
import { memberFiles, readJson, runLdinv, runNumbers, spawnLdinv, waitForMembers } from '../testing/ldinv-process.fixture.ts';
import { writeTestCase } from '../testing/test-case.fixture.ts';

const caseDir = writeTestCase();
const root = mkdtempSync(join(tmpdir(), 'ldinv-resume-'));
const MEMBERS = 6;
const args = (out: string, extra: string[] = []) => [
  'invert', '--case', caseDir, '--method', 'pixel', '--mode', 'rml', '--members', String(MEMBERS), '--iters', '30', '--seed', '11',
  '--out', out, ...extra,
];
// Slow tasks (LDINV_FAULT_INJECT delay) so that a signal lands mid-run.
const SLOW = 'delay:ms=800';
let reference: Map<string, Buffer>;

beforeAll(async () => {
  const out = join(root, 'reference');
  const r = await runLdinv(args(out, ['--workers', '2', '--batch', '2']));
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout.trim().split('\n').at(-1)).toBe(join(out, 'report.html'));
  reference = runNumbers(out);
  expect([...reference.keys()].filter((k) => k.startsWith('members/'))).toHaveLength(MEMBERS);
});

describe('resume', () => {
  it('after kill -9 runs only the missing members and ends bit for bit equal to an uninterrupted run', async () => {
    const out = join(root, 'killed');
    const { child, done } = spawnLdinv(args(out, ['--workers', '2', '--batch', '1']), SLOW);
    await waitForMembers(out, 2);
    child.kill('SIGKILL');
    const killed = await done;
    expect(killed.signal).toBe('SIGKILL');
    const survivors = memberFiles(out).map((f) => Number(f.slice(1, 6)));
    expect(survivors.length).toBeGreaterThanOrEqual(2);
    expect(survivors.length).toBeLessThan(MEMBERS);
    expect(readJson<RunManifest>(join(out, 'run.json')).status).toBe('running');

    // Another grouping and pool size on resume: members must not depend on either.
    const resumed = await runLdinv(['invert', '--resume', out, '--workers', '1', '--batch', '3']);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    const starts = readJournal(join(out, 'journal.ndjson')).filter((e) => e.type === 'run-start');
    expect(starts).toHaveLength(2);
    const missing = Array.from({ length: MEMBERS }, (_, m) => m).filter((m) => !survivors.includes(m));
    expect(starts[1].planned).toEqual(missing);
    const ran = readJournal(join(out, 'journal.ndjson')).filter((e) => e.type === 'member-done').map((e) => e.member);
    expect(ran.sort()).toEqual([...survivors, ...missing].sort());
    expect(runNumbers(out)).toEqual(reference);
    const manifest = readJson<RunManifest>(join(out, 'run.json'));
    expect(manifest.status).toBe('complete');
    expect(manifest.sessions.map((s) => s.status)).toEqual(['running', 'complete']);
  });

  it('after Ctrl-C keeps finished members, says interrupted, and --resume finishes the run', async () => {
    const out = join(root, 'interrupted');
    const { child, done } = spawnLdinv(args(out, ['--workers', '2', '--batch', '1']), SLOW);
    await waitForMembers(out, 1);
    child.kill('SIGINT');
    const stopped = await done;
    expect(stopped.code).toBe(130);
    const kept = memberFiles(out).length;
    expect(stopped.stderr).toBe(`ldinv: interrupted: ${kept} of ${MEMBERS} members on disk; resume with: ldinv invert --resume ${out}\n`);
    const manifest = readJson<RunManifest>(join(out, 'run.json'));
    expect(manifest.status).toBe('interrupted');
    expect(manifest.counts.done).toBe(kept);
    expect(kept).toBeLessThan(MEMBERS);

    const resumed = await runLdinv(['invert', '--out', out, '--resume']);
    expect(resumed.code).toBe(0);
    expect(runNumbers(out)).toEqual(reference);
    expect(readJson<RunManifest>(join(out, 'run.json')).status).toBe('complete');
  });

  it('resumes a finished run without running anything, and refuses a resume that would change the numbers', async () => {
    const again = await runLdinv(['invert', '--resume', join(root, 'reference')]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`resuming 0 of ${MEMBERS} members`);
    expect(runNumbers(join(root, 'reference'))).toEqual(reference);
    const r = await runLdinv(['invert', '--resume', join(root, 'reference'), '--iters', '31']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`ldinv: ${join(root, 'reference', 'run.json')}: --iters 31 differs from the run's 30; a resume cannot change the numbers\n`);
  });
});
