import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { atomicTarget, createFileAtomic, isAtomicTemp, writeFileAtomic } from './atomic-write.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'ldinv-atomic-'));

describe('atomic writes', () => {
  it('replace a file whole and leave no temporary behind', () => {
    const dir = tmp();
    const p = join(dir, 'f.bin');
    writeFileAtomic(p, 'old');
    writeFileAtomic(p, Uint8Array.of(1, 2, 3));
    expect([...readFileSync(p)]).toEqual([1, 2, 3]);
    expect(readdirSync(dir)).toEqual(['f.bin']);
    expect(isAtomicTemp('.f.bin.tmp-123-4')).toBe(true);
    expect(isAtomicTemp('.f.bin.tmp-node_7-123-4')).toBe(true);
    expect(atomicTarget('.m00003.msgpack.tmp-node_7-123-4')).toBe('m00003.msgpack');
  });

  it('create a file once: a second creator leaves the first one\'s content and learns it lost', () => {
    const dir = tmp();
    const p = join(dir, 'run.json');
    expect(createFileAtomic(p, 'first')).toBe(true);
    expect(createFileAtomic(p, 'second')).toBe(false);
    expect(readFileSync(p, 'utf8')).toBe('first');
    expect(readdirSync(dir)).toEqual(['run.json']);
  });
});
