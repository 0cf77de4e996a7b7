// Samplers of ln K fields on a grid, one per FieldSpec kind.
import type { Grid } from '@ldinv/solver';
import type { Rng } from '@ldinv/tensor';
import { CirculantEmbedding } from './circulant-embedding.ts';
import { validateFieldSpec, type FieldSpec } from './field-spec.ts';
import { normalQuantile } from './normal-quantile.ts';

/** Smallest grid side the generators and cases accept. */
export const MIN_GRID = 8;

export interface FieldSampler {
  readonly grid: Grid;
  readonly spec: FieldSpec;
  /** Torus the Gaussian field is embedded in (for reports). */
  readonly embedding: { mx: number; my: number; covarianceErrorBound: number };
  /** One field, row-major [ny, nx], drawn from `rng` alone (same stream, same field, bit for bit). */
  sample(rng: Rng, out?: Float64Array): Float64Array;
}

export function validateGrid(grid: Grid, what = 'grid'): void {
  for (const key of ['nx', 'ny'] as const) {
    const n = grid[key];
    if (!Number.isInteger(n) || n < MIN_GRID) {
      throw new Error(`${what}: ${key} must be an integer >= ${MIN_GRID}, got ${n}`);
    }
  }
}

export function createFieldSampler(spec: FieldSpec, grid: Grid): FieldSampler {
  validateFieldSpec(spec);
  validateGrid(grid);
  const embedding = new CirculantEmbedding(grid, spec);
  const size = grid.nx * grid.ny;
  const info = { mx: embedding.mx, my: embedding.my, covarianceErrorBound: embedding.covarianceErrorBound };
  // Every kind is a Gaussian draw mapped cell by cell: shifted by the mean, or thresholded so that
  // g > threshold has probability `fraction` for g ~ N(0, variance) at every cell.
  const toLogK = ((): ((g: number) => number) => {
    if (spec.kind === 'gaussian') {
      const mean = spec.mean;
      return (g) => g + mean;
    }
    const threshold = Math.sqrt(spec.variance) * normalQuantile(1 - spec.fraction);
    const { logKLow, logKHigh } = spec;
    return (g) => (g > threshold ? logKHigh : logKLow);
  })();
  return {
    grid,
    spec,
    embedding: info,
    sample(rng, out = new Float64Array(size)) {
      embedding.sampleInto(rng, out);
      for (let k = 0; k < size; k++) out[k] = toLogK(out[k]);
      return out;
    },
  };
}
