// A smooth random field from a few random Fourier modes, standardised to mean 0 and a given
// standard deviation: the fixed-seed ln K of solver tests, benchmarks and the shipped example.
// (Gaussian random fields with a covariance model live in @ldinv/fields.)
import { createRng } from '@ldinv/tensor';
import type { Grid } from './problem.ts';

export interface FourierFieldOptions {
  seed: number;
  /** Sample standard deviation of the result. Default 1. */
  sigma?: number;
  /** Number of modes. Default 24. */
  modes?: number;
  /** Largest integer wavenumber per axis (periods across the unit square). Default 6. */
  maxWavenumber?: number;
}

/** Values at the cell centres, row-major [ny, nx]. */
export function fourierField(grid: Grid, options: FourierFieldOptions): Float64Array {
  const { seed, sigma = 1, modes = 24, maxWavenumber = 6 } = options;
  const rng = createRng(seed);
  const { nx, ny } = grid;
  const out = new Float64Array(nx * ny);
  for (let q = 0; q < modes; q++) {
    let kx = 0;
    let ky = 0;
    while (kx === 0 && ky === 0) {
      kx = rng.int(2 * maxWavenumber + 1) - maxWavenumber;
      ky = rng.int(maxWavenumber + 1);
    }
    // Amplitude decaying like 1/|k| gives a field smooth at the grid scale.
    const amp = rng.normal() / Math.hypot(kx, ky);
    const phase = 2 * Math.PI * rng.uniform();
    for (let j = 0; j < ny; j++) {
      const y = (j + 0.5) / ny;
      for (let i = 0; i < nx; i++) {
        out[j * nx + i] += amp * Math.cos(2 * Math.PI * (kx * (i + 0.5) / nx + ky * y) + phase);
      }
    }
  }
  let mean = 0;
  for (const v of out) mean += v / out.length;
  let varSum = 0;
  for (const v of out) varSum += (v - mean) ** 2;
  const scale = sigma / Math.sqrt(varSum / out.length);
  for (let c = 0; c < out.length; c++) out[c] = (out[c] - mean) * scale;
  return out;
}
