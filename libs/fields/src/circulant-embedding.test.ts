import { describe, expect, it } from 'vitest';
import { CirculantEmbedding } from './circulant-embedding.ts';
import { covarianceFunction, type Covariance } from './covariance.ts';
import { fillNormal, streamRng } from './streams.ts';

/**
 * Reference sample by direct (O(N^2)) DFTs, independent of fft.js and of the transform shortcuts: the
 * eigenvalues lambda = DFT of the embedded covariance, and Y = DFT of sqrt(lambda / N) xi with the Hermitian
 * noise xi built from the same draws in the documented order (rows 0..my/2; rows 0 and my/2 pair modes
 * i and mx - i, with one real draw at i = 0 and mx/2; the other rows take a complex draw per mode).
 */
function reference(grid: { nx: number; ny: number }, cov: Covariance, mx: number, my: number, seed: number) {
  const C = covarianceFunction(cov);
  const lag = (k: number, m: number, h: number) => (2 * k === m ? [k * h, -k * h] : [(2 * k < m ? k : k - m) * h]);
  const c = new Float64Array(mx * my);
  for (let j = 0; j < my; j++) {
    for (let i = 0; i < mx; i++) {
      const hx = lag(i, mx, 1 / grid.nx);
      const hy = lag(j, my, 1 / grid.ny);
      let s = 0;
      for (const y of hy) for (const x of hx) s += C(x, y);
      c[j * mx + i] = s / (hx.length * hy.length);
    }
  }
  const N = mx * my;
  const noise = fillNormal(streamRng(seed, 'field', 0), new Float64Array(N));
  const re = new Float64Array(N);
  const im = new Float64Array(N);
  let d = 0;
  for (let j = 0; j <= my / 2; j++) {
    for (let i = 0; i < mx; i++) {
      if (j === 0 || j === my / 2) {
        if (i === 0 || i === mx / 2) re[j * mx + i] = noise[d++];
        else if (i < mx / 2) {
          re[j * mx + i] = re[j * mx + mx - i] = noise[d++] * Math.SQRT1_2;
          im[j * mx + i] = noise[d++] * Math.SQRT1_2;
          im[j * mx + mx - i] = -im[j * mx + i];
        }
      } else {
        re[j * mx + i] = noise[d++] * Math.SQRT1_2;
        im[j * mx + i] = noise[d++] * Math.SQRT1_2;
        const p = (my - j) * mx + ((mx - i) % mx);
        re[p] = re[j * mx + i];
        im[p] = -im[j * mx + i];
      }
    }
  }
  expect(d).toBe(N);
  const dft = (kx: number, ky: number, f: (k: number) => [number, number]) => {
    let sr = 0;
    let si = 0;
    for (let j = 0; j < my; j++) {
      for (let i = 0; i < mx; i++) {
        const t = -2 * Math.PI * ((kx * i) / mx + (ky * j) / my);
        const [a, b] = f(j * mx + i);
        sr += a * Math.cos(t) - b * Math.sin(t);
        si += a * Math.sin(t) + b * Math.cos(t);
      }
    }
    return [sr, si];
  };
  const amp = new Float64Array(N);
  for (let ky = 0; ky < my; ky++) {
    for (let kx = 0; kx < mx; kx++) amp[ky * mx + kx] = Math.sqrt(Math.max(dft(kx, ky, (k) => [c[k], 0])[0], 0) / N);
  }
  const out = new Float64Array(grid.nx * grid.ny);
  let maxImag = 0;
  for (let y = 0; y < grid.ny; y++) {
    for (let x = 0; x < grid.nx; x++) {
      const [r, i] = dft(x, y, (k) => [amp[k] * re[k], amp[k] * im[k]]);
      out[y * grid.nx + x] = r;
      maxImag = Math.max(maxImag, Math.abs(i));
    }
  }
  return { out, maxImag };
}

describe('circulant embedding', () => {
  it('the fast sampler equals direct DFTs of the Hermitian noise (odd nx: an unpaired last column)', () => {
    const grid = { nx: 9, ny: 12 };
    const cov: Covariance = { kernel: 'matern32', variance: 1.5, lx: 0.3, ly: 0.15, rotation: 20 };
    const ce = new CirculantEmbedding(grid, cov);
    expect([ce.mx, ce.my]).toEqual([32, 32]);
    const fast = ce.sampleInto(streamRng(3, 'field', 0), new Float64Array(grid.nx * grid.ny));
    const { out, maxImag } = reference(grid, cov, ce.mx, ce.my, 3);
    // The output of Hermitian noise is real; the fast path relies on it.
    expect(maxImag).toBeLessThan(1e-12);
    for (let k = 0; k < out.length; k++) expect(Math.abs(fast[k] - out[k])).toBeLessThan(1e-12);
  });

  it('grows the torus until the embedding is non-negative, and reports the clipping bound', () => {
    // Squared-exponential with l = 0.5: on the 2n torus (side 2) the wrapped kernel has negative eigenvalues
    // (about 1 % of the largest); a larger torus brings the clipping error under the 1e-5 tolerance.
    const se = new CirculantEmbedding({ nx: 16, ny: 16 }, { kernel: 'squared-exponential', variance: 1, lx: 0.5, ly: 0.5, rotation: 0 });
    expect(se.mx).toBeGreaterThan(32);
    expect(se.covarianceErrorBound).toBeLessThan(1e-5);
    const exp = new CirculantEmbedding({ nx: 64, ny: 64 }, { kernel: 'exponential', variance: 1, lx: 0.2, ly: 0.2, rotation: 0 });
    expect([exp.mx, exp.covarianceErrorBound]).toEqual([128, 0]);
  });
});
