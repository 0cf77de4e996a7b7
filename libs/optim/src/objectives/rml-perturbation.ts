// Randomised maximum likelihood (Oliver, He & Reynolds 1996; Chen & Oliver 2012): member m fits its
// own data d̃ = d + σ ε_m, ε_m ~ N(0, I), so that for a linear-Gaussian problem its minimiser is an
// exact posterior draw and the ensemble spread approximates the posterior. ε_m comes from the
// member's own seed (stream STREAM.rml), so a member perturbs the same way in any batch, worker or resume.
import { createRng, deriveSeed } from '@ldinv/tensor';
import { STREAM } from '../streams.ts';
import type { TestObservations } from './data-misfit.ts';

/** d̃ per test, drawn in test order then sensor order. */
export function perturbData(observations: readonly TestObservations[], seed: number): Float64Array[] {
  const rng = createRng(deriveSeed(seed, STREAM.rml));
  return observations.map((o) => o.data.map((d, i) => d + o.sigma[i] * rng.normal()));
}
