// Named random streams of the generators. Every draw comes from @ldinv/tensor's seeded Alea generator
// (one RNG helper for the project); a stream's generator is createRng(deriveSeed(seed, STREAM.x, ...)),
// so each stream (field i of a dataset, a case's noise) can be regenerated alone, in any order.
import { createRng, deriveSeed, type Rng } from '@ldinv/tensor';

export const STREAM = {
  /** The true field of a synthetic case. */
  truth: 1,
  /** Random sensor positions. */
  sensors: 2,
  /** Measurement noise. */
  noise: 3,
  /** Field i of a dataset: (seed, STREAM.field, i). */
  field: 4,
  /** The shuffle of epoch e of a dataset's batch iterator: (seed, STREAM.shuffle, e). */
  shuffle: 5,
} as const;

export function streamRng(seed: number, stream: keyof typeof STREAM, index = 0): Rng {
  return createRng(deriveSeed(seed, STREAM[stream], index));
}

/** Fills `out` with standard normal draws, in order. */
export function fillNormal(rng: Rng, out: Float64Array): Float64Array {
  for (let k = 0; k < out.length; k++) out[k] = rng.normal();
  return out;
}
