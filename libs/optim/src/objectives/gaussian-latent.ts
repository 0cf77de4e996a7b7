// The `vae` baseline's prior term: the VAE latent is N(0, I), so −log p(z) = ½|z|² + const; divided
// by dim = h·w·c so that λ means the same for every latent size (and for ldim, whose diffusion
// regulariser is normalised to reduce to exactly this gradient for a N(0, I) latent).

/** R(z) = ½|z|²/dim for one member's z; writes ∂R/∂z = z/dim into grad. */
export function gaussianLatentPenalty(z: ArrayLike<number>, grad: Float64Array): number {
  const dim = z.length;
  let sum = 0;
  for (let i = 0; i < dim; i++) {
    sum += z[i] * z[i];
    grad[i] = z[i] / dim;
  }
  return (0.5 * sum) / dim;
}
