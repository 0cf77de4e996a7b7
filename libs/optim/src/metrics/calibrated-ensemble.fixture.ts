// Test fixture (not exported from the lib): ensembles whose truth is exchangeable with the members.
import { createRng } from '@ldinv/tensor';

/** `count` standard normal draws from `seed`. */
export const normals = (count: number, seed: number): Float64Array => {
  const rng = createRng(seed);
  return Float64Array.from({ length: count }, () => rng.normal());
};

/** Calibrated ensemble: per cell a random centre μ_c and scale s_c; truth and n members are iid N(μ_c, s_c²). */
export function calibratedEnsemble(cells: number, n: number, seed: number, memberScale = 1) {
  const z = normals(cells * (n + 3), seed);
  const centre = (c: number) => 2 * z[c];
  const scale = (c: number) => Math.exp(0.5 * z[cells + c]);
  const truth = Float64Array.from({ length: cells }, (_, c) => centre(c) + scale(c) * z[2 * cells + c]);
  const members = Array.from({ length: n }, (_, k) =>
    Float64Array.from({ length: cells }, (_, c) => centre(c) + memberScale * scale(c) * z[(3 + k) * cells + c]),
  );
  return { truth, members };
}
