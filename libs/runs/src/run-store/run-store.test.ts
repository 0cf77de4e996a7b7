import { appendFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INVERT_CONFIG_DEFAULTS } from './run-config.ts';
import { appendJournal, readJournal } from './journal.ts';
import { memberFileName, memberIndexOf, shardJournalName, shardOfJournal } from './layout.ts';
import { doneMember } from './member-record.fixture.ts';
import { decodeMemberRecord, encodeMemberRecord, type DoneMember } from './member-record.ts';
import type { RunManifest } from './run-manifest.ts';
import { ensureWritableDir, RunStore } from './run-store.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'ldinv-store-'));

function manifest(): RunManifest {
  return {
    version: 1, id: 'x', runKey: 'x-00000000', status: 'running', caseName: 'c', caseHash: '', priorDir: null, priorHash: null, versions: {}, backend: null, createdAt: '', sessions: [],
    config: { ...INVERT_CONFIG_DEFAULTS, case: '/c', prior: null, initLogK: 0, members: 2 }, seeds: { run: 0, members: [1, 2] },
    counts: { members: 2, done: 0, failed: 0 },
  };
}

describe('member records', () => {
  it('round-trip bit for bit with typed arrays kept binary', () => {
    const r = doneMember(4);
    const bytes = encodeMemberRecord(r);
    // 6 + 12 float64 + small fields: binary, not decimal text.
    expect(bytes.length).toBeLessThan(600);
    const back = decodeMemberRecord(bytes, 'm.msgpack') as DoneMember;
    expect(back.logK).toBeInstanceOf(Float64Array);
    expect(Buffer.from(back.logK.buffer, back.logK.byteOffset, back.logK.byteLength)).toEqual(Buffer.from(r.logK.buffer));
    expect(back).toEqual(r);
  });

  it('name the file and the field when a record is wrong', () => {
    // 0x82: a map announcing two entries, then nothing (a truncated file).
    expect(() => decodeMemberRecord(Uint8Array.of(0x82), 'm1.msgpack')).toThrow(/^m1\.msgpack: not a member record/);
    expect(() => decodeMemberRecord(Uint8Array.of(0x80), 'm1.msgpack')).toThrow(/^m1\.msgpack: version: expected 1, got undefined$/);
    const bad = { ...doneMember(0), logK: new Float64Array(5) };
    expect(() => decodeMemberRecord(encodeMemberRecord(bad), 'm0.msgpack')).toThrow(/^m0\.msgpack: logK: expected a Float64Array of 6 values \(grid 3x2\), got 5$/);
  });

  it('refuse a field of the wrong type, in one line naming the file and the field', () => {
    const wrong = (over: Record<string, unknown>) => encodeMemberRecord({ ...doneMember(0), ...over } as DoneMember);
    expect(() => decodeMemberRecord(wrong({ misfit: 'low' }), 'm0.msgpack')).toThrow(/^m0\.msgpack: misfit: expected a number, got string$/);
    expect(() => decodeMemberRecord(wrong({ refineFrom: 1.5 }), 'm0.msgpack')).toThrow(/^m0\.msgpack: refineFrom: Invalid input: expected int, received number$/);
    const history = { ...doneMember(0).history, regulariser: [0.3, 0.2, 0.1] };
    expect(() => decodeMemberRecord(wrong({ history }), 'm0.msgpack')).toThrow(/^m0\.msgpack: history\.regulariser: expected Float64Array, got array$/);
    expect(() => decodeMemberRecord(wrong({ status: 'lost' }), 'm0.msgpack')).toThrow(/^m0\.msgpack: status: /);
    const chain = { from: 2, burnIn: 1, thin: 1, samples: new Float32Array(12), sampleMisfit: Float64Array.of(1, 2), acceptance: Float32Array.of(0.5, 0.6, 0.7), stepSize: 0.1 };
    expect(decodeMemberRecord(wrong({ chain }), 'm0.msgpack')).toEqual({ ...doneMember(0), chain });
    expect(() => decodeMemberRecord(wrong({ chain: { ...chain, samples: new Float32Array(10) } }), 'm0.msgpack')).toThrow(
      /^m0\.msgpack: chain\.samples: expected 2 samples \(one per sampleMisfit\) of 6 values \(grid 3x2\), got 10 values$/,
    );
    const failed = { version: 1, status: 'failed', index: 2, seed: 7, attempts: 3, error: 'boom', errors: 'boom' };
    expect(() => decodeMemberRecord(encodeMemberRecord(failed as never), 'm2.msgpack')).toThrow(/^m2\.msgpack: errors: .*expected array/);
  });

  it('file names sort in member order and map back to the index', () => {
    expect(memberFileName(7)).toBe('m00007.msgpack');
    expect(memberIndexOf('m00123.msgpack')).toBe(123);
    expect(memberIndexOf('.m00123.msgpack.tmp-5-0')).toBeUndefined();
  });
});

describe('the journal', () => {
  it('reads back events and skips a line torn by a crash', () => {
    const p = join(tmp(), 'journal.ndjson');
    appendJournal(p, { type: 'a', n: 1 });
    appendJournal(p, { type: 'b' });
    appendFileSync(p, '{"type":"c","n'); // kill -9 mid-append
    const events = readJournal(p);
    expect(events.map((e) => e.type)).toEqual(['a', 'b']);
    expect(typeof events[0].time).toBe('string');
  });
});

describe('RunStore', () => {
  it('writes members as they come, lists them in order and clears stale temporaries on resume', () => {
    const dir = join(tmp(), 'runs', 'r1');
    const store = RunStore.create(dir, manifest());
    store.writeMember(doneMember(3));
    store.writeMember({ version: 1, status: 'failed', index: 1, seed: 5, attempts: 3, error: 'boom', errors: ['boom'] });
    writeFileSync(join(dir, 'members', '.m00002.msgpack.tmp-99-0'), 'partial');
    expect(store.memberIndices()).toEqual([1, 3]);
    expect([...store.memberStatuses()]).toEqual([[1, 'failed'], [3, 'done']]);
    const reopened = RunStore.open(dir, { writable: true });
    expect(reopened.clearTemporaries()).toBe(1);
    expect(readdirSync(join(dir, 'members')).sort()).toEqual(['m00001.msgpack', 'm00003.msgpack']);
    expect(reopened.readManifest().config.members).toBe(2);
  });

  it('lets shards join a run, journal apart, and clear only their own members\' temporaries', () => {
    const dir = tmp();
    expect(RunStore.createOrJoin(dir, manifest())).toEqual({ created: true });
    const other = { ...manifest(), id: 'y' };
    expect(RunStore.createOrJoin(dir, other)).toEqual({ created: false });
    const shard1 = RunStore.open(dir, { writable: true, shard: { index: 1, count: 2 } });
    expect(shard1.readManifest().id).toBe('x');
    shard1.journal({ type: 'session' });
    expect(shard1.shardJournals()).toEqual([join(dir, shardJournalName(1, 2))]);
    expect(shardOfJournal('journal.shard-1-of-2.ndjson')).toEqual({ index: 1, count: 2 });
    expect(readdirSync(dir).sort()).toEqual(['journal.shard-1-of-2.ndjson', 'members', 'run.json']);
    // Shard 0's write of member 2 in flight, shard 1's member 3 left by a killed process.
    writeFileSync(join(dir, 'members', '.m00002.msgpack.tmp-a-1-0'), '');
    writeFileSync(join(dir, 'members', '.m00003.msgpack.tmp-b-2-0'), '');
    expect(shard1.clearTemporaries((m) => m % 2 === 1)).toBe(1);
    expect(readdirSync(join(dir, 'members'))).toEqual(['.m00002.msgpack.tmp-a-1-0']);
  });

  it('refuses to start a second run in the same directory', () => {
    const dir = tmp();
    RunStore.create(dir, manifest());
    expect(() => RunStore.create(dir, manifest())).toThrow(`${dir}: already holds a run (run.json); use --resume or another --out`);
  });

  it('fails in one line when the output directory cannot be created or written', () => {
    const file = join(tmp(), 'a-file');
    writeFileSync(file, '');
    expect(() => ensureWritableDir(join(file, 'run'))).toThrow(`${join(file, 'run')}: cannot create output directory (ENOTDIR)`);
    expect(() => ensureWritableDir(file)).toThrow(`${file}: cannot create output directory (EEXIST)`);
    expect(() => RunStore.open(tmp(), { writable: false })).toThrow(/run\.json: no run here \(run\.json missing\)$/);
  });
});
