import { describe, expect, it } from 'vitest';
import { onBackend } from './kernels/backend-compare.ts';
import { createRng, deriveSeed, fmix32, hashSeed, mulberry32, seededNormal, seededUniform, shuffledIndices } from './random.ts';

function moments(v: ArrayLike<number>): { mean: number; std: number } {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < v.length; i++) {
    s += v[i];
    s2 += v[i] * v[i];
  }
  const mean = s / v.length;
  return { mean, std: Math.sqrt(s2 / v.length - mean * mean) };
}

describe('seeded tensors', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`are identical across two runs on ${backend}, and differ between seeds`, async () => {
      const a = await onBackend(backend, () => [seededNormal([64, 64], 11), seededUniform([1000], 11, -2, 3)]);
      const b = await onBackend(backend, () => [seededNormal([64, 64], 11), seededUniform([1000], 11, -2, 3)]);
      const c = await onBackend(backend, () => seededNormal([64, 64], 12));
      expect(b[0]).toEqual(a[0]);
      expect(b[1]).toEqual(a[1]);
      expect(c[0]).not.toEqual(a[0]);
    });
  }

  it('are the same on cpu and wasm (drawn in JS, not by a kernel)', async () => {
    const [onCpu] = await onBackend('cpu', () => seededNormal([500], 3, 1, 2));
    const [onWasm] = await onBackend('wasm', () => seededNormal([500], 3, 1, 2));
    expect(onWasm).toEqual(onCpu);
  });

  it('have the requested distribution (20k draws: 3-sigma bounds)', async () => {
    const [n, u] = await onBackend('wasm', () => [seededNormal([20000], 5, 1, 2), seededUniform([20000], 6, -1, 3)]);
    const mn = moments(n);
    expect(Math.abs(mn.mean - 1)).toBeLessThan((3 * 2) / Math.sqrt(20000));
    expect(Math.abs(mn.std - 2)).toBeLessThan(0.05);
    const mu = moments(u);
    expect(Math.abs(mu.mean - 1)).toBeLessThan((3 * 4) / Math.sqrt(12 * 20000));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...u)).toBeLessThan(3);
  });

  it('reject a non-integer seed', () => {
    expect(() => seededNormal([2], 1.5)).toThrow('seed must be an integer, got 1.5');
  });
});

describe('createRng', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const draw = (seed: number) => {
      const r = createRng(seed);
      return [r.uniform(), r.normal(), r.int(10), r.normal(), r.uniform()];
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
  });

  it('gives standard normals and uniform integers (3-sigma bounds on 20k draws)', () => {
    const r = createRng(9);
    const z = Array.from({ length: 20000 }, () => r.normal());
    const m = moments(z);
    expect(Math.abs(m.mean)).toBeLessThan(3 / Math.sqrt(20000));
    expect(Math.abs(m.std - 1)).toBeLessThan(0.02);
    const counts = new Array<number>(5).fill(0);
    for (let i = 0; i < 20000; i++) counts[r.int(5)]++;
    // Binomial(20000, 0.2): sd = 56.6.
    for (const c of counts) expect(Math.abs(c - 4000)).toBeLessThan(3 * 56.6);
    expect(() => r.int(0)).toThrow('Rng.int: n must be a positive integer, got 0');
  });
});

describe('deriveSeed', () => {
  it('is a deterministic 31-bit seed, distinct across 10k members and across streams', () => {
    const seeds = new Set<number>();
    for (let m = 0; m < 10000; m++) {
      const s = deriveSeed(42, m);
      expect(s).toBe(deriveSeed(42, m));
      expect(Number.isInteger(s) && s >= 0 && s < 2 ** 31).toBe(true);
      seeds.add(s);
    }
    expect(seeds.size).toBe(10000);
    expect(deriveSeed(42, 3, 0)).not.toBe(deriveSeed(42, 3, 1));
    expect(deriveSeed(42, 3)).not.toBe(deriveSeed(43, 3));
  });
});

describe('shuffledIndices and the generators kept for shipped results', () => {
  // Pinned from the copies these replaced (prior's train-loop and params, fields' dataset reader, the
  // run planner): a change here changes the shipped priors' training record or every run's members.
  it('hashSeed is FNV-1a', () => {
    expect([hashSeed(''), hashSeed('a'), hashSeed('1:epoch:0')]).toEqual([0x811c9dc5, 0xe40c292c, 2387048097]);
  });

  it('mulberry32 + shuffledIndices give the epoch orders prior training has always used', () => {
    const epoch = (seed: number, e: number) => Array.from(shuffledIndices(10, mulberry32(hashSeed(`${seed}:epoch:${e}`))));
    expect(epoch(1, 0)).toEqual([1, 4, 0, 9, 5, 2, 7, 3, 8, 6]);
    expect(epoch(7, 3)).toEqual([2, 5, 8, 0, 9, 7, 3, 1, 6, 4]);
  });

  it("shuffledIndices over a createRng stream gives the dataset reader's batch order", () => {
    const order = Array.from(shuffledIndices(12, createRng(deriveSeed(5, 5, 2)).uniform));
    expect(order).toEqual([1, 6, 8, 2, 0, 9, 3, 7, 10, 5, 11, 4]);
    expect(Array.from(shuffledIndices(1, () => 0.5))).toEqual([0]);
  });

  it('fmix32 is MurmurHash3 fmix32 (uint32 out)', () => {
    expect(fmix32(0)).toBe(0);
    expect(fmix32(1)).toBe(0x514e28b7);
  });
});
