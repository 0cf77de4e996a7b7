// A queue worker runs a job's members only with the very prior the job names: same content hash.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { priorHash, sha256Hex } from '../member/content-hash.ts';
import { findPrior } from './prior-lookup.ts';

function fakePrior(dir: string, weights: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'manifest.json'), '{"name":"tiny"}');
  writeFileSync(join(dir, 'model.json'), '{"weightsManifest":[]}');
  writeFileSync(join(dir, 'weights.bin'), weights);
  return dir;
}

describe('prior lookup on a queue worker', () => {
  const root = mkdtempSync(join(tmpdir(), 'ldinv-priors-'));
  const store = join(root, 'store');
  const inStore = fakePrior(join(store, 'tiny'), 'A');
  const elsewhere = fakePrior(join(root, 'elsewhere', 'tiny'), 'B');

  it('hashes manifest.json + model.json + weights.bin, in that order', () => {
    expect(priorHash(inStore)).toBe(sha256Hex([Buffer.from('{"name":"tiny"}'), Buffer.from('{"weightsManifest":[]}'), Buffer.from('A')]));
    expect(priorHash(inStore)).not.toBe(priorHash(elsewhere));
  });

  it('takes the shared store first, else the job\'s path, whichever has the job\'s hash', () => {
    expect(findPrior({ name: 'tiny', hash: priorHash(inStore) }, store)).toBe(inStore);
    // The store's copy differs: the path the job names has the right weights.
    expect(findPrior({ name: elsewhere, hash: priorHash(elsewhere) }, store)).toBe(elsewhere);
    expect(findPrior({ name: elsewhere, hash: priorHash(elsewhere) }, null)).toBe(elsewhere);
  });

  it('refuses a prior with another hash, and says where it looked when there is none', () => {
    const other = sha256Hex([Buffer.from('C')]);
    expect(() => findPrior({ name: 'tiny', hash: other }, store)).toThrow(
      `prior tiny: ${inStore} has content hash ${priorHash(inStore).slice(0, 12)}, the job's prior has ${other.slice(0, 12)}; refusing to run with another prior`,
    );
    expect(() => findPrior({ name: 'nowhere', hash: other }, store)).toThrow(
      `prior nowhere: not found on this worker (looked at ${join(store, 'nowhere')} or nowhere); start the worker with --priors DIR holding nowhere/`,
    );
    rmSync(join(elsewhere, 'weights.bin'));
    expect(() => priorHash(elsewhere)).toThrow(`${join(elsewhere, 'weights.bin')}: missing (the prior content hash needs it)`);
  });
});
