// Whitened coordinates of a Gaussian ln K prior (hIPPYlib's and pestpp-ies' Gaussian prior with a known
// covariance): ln K = mean + A ξ with A Aᵀ = C on the grid and ξ ~ N(0, I), so the prior's negative
// log-density is ½|ξ|² and a gradient in ln K maps to ξ by Aᵀ. A comes from the circulant embedding
// that the field sampler draws with, so the prior is exactly the one the synthetic fields come from.
import type { Grid } from '@ldinv/solver';
import { CirculantEmbedding } from './circulant-embedding.ts';
import { validateFieldSpec, type GaussianFieldSpec } from './field-spec.ts';
import { validateGrid } from './field-sampler.ts';

export interface GaussianWhitening {
  /** Length of ξ. */
  readonly dimension: number;
  /** ln K = mean + A ξ, row-major [ny, nx], into out. */
  toLogK(xi: ArrayLike<number>, out: Float64Array): Float64Array;
  /** Aᵀ g: a gradient with respect to ln K as one with respect to ξ, into out. */
  gradientToWhite(gradLogK: ArrayLike<number>, out: Float64Array): Float64Array;
}

export function gaussianWhitening(spec: GaussianFieldSpec, grid: Grid): GaussianWhitening {
  validateFieldSpec(spec);
  validateGrid(grid);
  const embedding = new CirculantEmbedding(grid, spec);
  return {
    dimension: embedding.whiteDimension,
    toLogK(xi, out) {
      embedding.applyWhite(xi, out);
      for (let c = 0; c < out.length; c++) out[c] += spec.mean;
      return out;
    },
    gradientToWhite: (gradLogK, out) => embedding.applyWhiteTranspose(gradLogK, out),
  };
}
