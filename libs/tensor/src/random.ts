// One place for seeded randomness. Tensor draws go through tfjs's seeded generators (seedrandom's
// alea, run in JS on the CPU whatever the backend), so a seed gives the same numbers on every
// backend, machine and run; scalar draws in plain JS use the same generator family.
import seedrandom from 'seedrandom';
import { tf } from './tf.ts';

/** Normal draws N(mean, std^2) of `shape`, fixed by `seed`. */
export function seededNormal(shape: number[], seed: number, mean = 0, std = 1): tf.Tensor {
  return tf.randomNormal(shape, mean, std, 'float32', checkSeed(seed));
}

/** Uniform draws on [min, max) of `shape`, fixed by `seed`. */
export function seededUniform(shape: number[], seed: number, min = 0, max = 1): tf.Tensor {
  return tf.randomUniform(shape, min, max, 'float32', checkSeed(seed));
}

/** A deterministic scalar generator for JS-side choices (shuffles, diffusion times, member seeds). */
export interface Rng {
  /** Uniform on [0, 1), 53-bit resolution. */
  uniform(): number;
  /** Standard normal (Marsaglia polar method). */
  normal(): number;
  /** Integer uniform on [0, n). */
  int(n: number): number;
}

export function createRng(seed: number): Rng {
  const alea = seedrandom.alea(String(checkSeed(seed)));
  let spare: number | null = null;
  return {
    uniform: () => alea.double(),
    normal: () => {
      if (spare != null) {
        const z = spare;
        spare = null;
        return z;
      }
      // Marsaglia polar: (u, v) uniform in the unit disc gives two independent normals.
      for (;;) {
        const u = 2 * alea.double() - 1;
        const v = 2 * alea.double() - 1;
        const s = u * u + v * v;
        if (s > 0 && s < 1) {
          const f = Math.sqrt((-2 * Math.log(s)) / s);
          spare = v * f;
          return u * f;
        }
      }
    },
    int: (n: number) => {
      if (!Number.isInteger(n) || n <= 0) throw new Error(`Rng.int: n must be a positive integer, got ${n}`);
      return Math.floor(alea.double() * n);
    },
  };
}

/**
 * A seed for one stream (e.g. member, purpose) of a run seeded `seed`, independent of the order in
 * which streams are drawn (resume and sharding reproduce members exactly). Murmur3-style integer
 * mixing of each part in turn; result in [0, 2^31).
 */
export function deriveSeed(seed: number, ...stream: number[]): number {
  let h = mix(checkSeed(seed) ^ 0x9e3779b9);
  for (const s of stream) h = mix(h ^ mix(Math.imul(s | 0, 0x85ebca6b) + 0x632be5ab));
  return h >>> 1;
}

/**
 * Fisher-Yates permutation of 0..count-1 drawing `uniform()` (on [0, 1)) count - 1 times, from the
 * top index down: the one shuffle of dataset batches and training epochs.
 */
export function shuffledIndices(count: number, uniform: () => number): Uint32Array {
  const p = new Uint32Array(count);
  for (let i = 0; i < count; i++) p[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(uniform() * (i + 1));
    const tmp = p[i];
    p[i] = p[j];
    p[j] = tmp;
  }
  return p;
}

// Older generators kept bit-exact because shipped results depend on them: the priors in
// libs/prior/assets were trained with mulberry32 epoch shuffles and FNV-1a-named tfjs seeds (weight
// init, diffusion noise, sampling), and every run's member seeds go through fmix32. Replacing them
// with createRng/deriveSeed would change the shipped weights' training record and docs/RESULTS.md.

/** FNV-1a (32-bit) hash of a string: a seed named by text (a weight's name, a purpose and a step). */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Mulberry32: uniform draws on [0, 1) from a one-integer state (prior training's epoch shuffles). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** MurmurHash3's 32-bit finaliser fmix32 (the SplitMix32-style mix of member seeds); uint32 out. */
export function fmix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

function mix(x: number): number {
  let h = x | 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

function checkSeed(seed: number): number {
  if (!Number.isSafeInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  return seed;
}
