import { describe, expect, it } from 'vitest';
import { covarianceFunction, KERNELS, type Kernel } from './covariance.ts';
import { createFieldSampler } from './field-sampler.ts';
import { fieldSpec, type GaussianFieldSpec } from './field-spec.ts';
import { streamRng } from './streams.ts';

// A non-square grid catches any x/y transposition in the embedding.
const GRID = { nx: 32, ny: 24 };
const SAMPLES = 2000;
const LAGS = [0, 1, 2, 4, 8];

interface Moment {
  estimate: number;
  /** Standard error of the estimate: the per-sample statistics are independent across samples. */
  se: number;
}

function moment(perSample: Float64Array): Moment {
  const n = perSample.length;
  const mean = perSample.reduce((a, b) => a + b, 0) / n;
  const variance = perSample.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return { estimate: mean, se: Math.sqrt(variance / n) };
}

/**
 * Empirical mean and covariance at lag vectors (in cells), pooled over the grid within each sample
 * (stationarity) with the known mean subtracted, so the estimator is unbiased; its standard error comes from
 * the spread of the per-sample averages over independent samples.
 */
function empirical(spec: GaussianFieldSpec, lags: [number, number][], seed: number) {
  const sampler = createFieldSampler(spec, GRID);
  const { nx, ny } = GRID;
  const means = new Float64Array(SAMPLES);
  const products = lags.map(() => new Float64Array(SAMPLES));
  const field = new Float64Array(nx * ny);
  for (let s = 0; s < SAMPLES; s++) {
    sampler.sample(streamRng(seed, 'field', s), field);
    let sum = 0;
    for (let k = 0; k < nx * ny; k++) sum += field[k];
    means[s] = sum / (nx * ny);
    lags.forEach(([li, lj], l) => {
      let acc = 0;
      let count = 0;
      for (let j = Math.max(0, -lj); j < ny - Math.max(0, lj); j++) {
        for (let i = Math.max(0, -li); i < nx - Math.max(0, li); i++) {
          acc += (field[j * nx + i] - spec.mean) * (field[(j + lj) * nx + i + li] - spec.mean);
          count++;
        }
      }
      products[l][s] = acc / count;
    });
  }
  return { mean: moment(means), covariance: products.map(moment) };
}

const axisLags = (): [number, number][] => [
  ...LAGS.map((l): [number, number] => [l, 0]),
  ...LAGS.slice(1).map((l): [number, number] => [0, l]),
];

/** Tolerance: 4 standard errors (two-sided p ~ 6e-5 per comparison for a correct sampler). */
const Z = 4;

describe('Gaussian random fields by circulant embedding', () => {
  for (const [index, kernel] of KERNELS.entries()) {
    it(`${kernel}: mean, variance and covariance at lags 0-8 in x and y match within ${Z} SE`, () => {
      const spec = fieldSpec('gaussian', { kernel, mean: 0.5, variance: 2, lx: 0.25, ly: 0.25 }) as GaussianFieldSpec;
      const lags = axisLags();
      const { mean, covariance } = empirical(spec, lags, 100 + index);
      expect(Math.abs(mean.estimate - spec.mean)).toBeLessThan(Z * mean.se);
      const cov = covarianceFunction(spec);
      lags.forEach(([li, lj], l) => {
        const exact = cov(li / GRID.nx, lj / GRID.ny);
        const { estimate, se } = covariance[l];
        // Standard errors at these settings are 0.02-0.06 (variance 2): a real test of the shape.
        expect(se).toBeLessThan(0.08);
        expect(Math.abs(estimate - exact), `lag (${li}, ${lj}): ${estimate} vs ${exact}`).toBeLessThan(Z * se);
      });
    });
  }

  it('anisotropic, rotated kernel: covariance along x, y and both diagonals within 4 SE', () => {
    const spec = fieldSpec('gaussian', {
      kernel: 'matern52',
      lx: 0.3,
      ly: 0.08,
      rotation: 30,
    }) as GaussianFieldSpec;
    const lags: [number, number][] = [...axisLags(), [2, 2], [4, 4], [2, -2], [4, -4]];
    const { covariance } = empirical(spec, lags, 7);
    const cov = covarianceFunction(spec);
    // The kernel is not symmetric under x -> -x: the two diagonals differ by far more than the tolerance.
    expect(cov(4 / 32, 4 / 24) - cov(4 / 32, -4 / 24)).toBeGreaterThan(0.2);
    lags.forEach(([li, lj], l) => {
      const exact = cov(li / GRID.nx, lj / GRID.ny);
      expect(Math.abs(covariance[l].estimate - exact), `lag (${li}, ${lj})`).toBeLessThan(Z * covariance[l].se);
    });
  });

  it('the tolerance separates kernels: exponential samples fail the squared-exponential covariance', () => {
    const exp = fieldSpec('gaussian', { kernel: 'exponential', lx: 0.25, ly: 0.25 }) as GaussianFieldSpec;
    const { covariance } = empirical(exp, [[4, 0]], 3);
    const wrong = covarianceFunction({ ...exp, kernel: 'squared-exponential' as Kernel })(4 / 32, 0);
    expect(Math.abs(covariance[0].estimate - wrong)).toBeGreaterThan(Z * covariance[0].se);
  });

  it('defaults are exact on the 2n torus at 64x64 and reproducible bit for bit', () => {
    const sampler = createFieldSampler(fieldSpec('gaussian'), { nx: 64, ny: 64 });
    expect(sampler.embedding).toEqual({ mx: 128, my: 128, covarianceErrorBound: 0 });
    const a = sampler.sample(streamRng(7, 'truth'));
    const b = createFieldSampler(fieldSpec('gaussian'), { nx: 64, ny: 64 }).sample(streamRng(7, 'truth'));
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    const c = sampler.sample(streamRng(8, 'truth'));
    expect(a.some((v, k) => v !== c[k])).toBe(true);
  });

  it('rejects bad settings with one-line errors', () => {
    expect(() => fieldSpec('gaussian', { variance: -1 })).toThrow('gaussian field: variance must be > 0, got -1');
    expect(() => fieldSpec('gaussian', { lx: 0 })).toThrow('gaussian field: lx must be > 0, got 0');
    expect(() => fieldSpec('bimaterial', { fraction: 1 })).toThrow('bimaterial field: fraction must be in (0, 1), got 1');
    expect(() => fieldSpec('gaussian', { kernel: 'cubic' as Kernel })).toThrow(
      "gaussian field: kernel must be one of exponential, matern32, matern52, squared-exponential, got 'cubic'",
    );
    expect(() => createFieldSampler(fieldSpec('gaussian'), { nx: 4, ny: 64 })).toThrow(
      'grid: nx must be an integer >= 8, got 4',
    );
  });
});

describe('bimaterial fields', () => {
  for (const fraction of [0.5, 0.3]) {
    it(`take exactly two values; volume fraction over 500 samples within 0.02 of ${fraction}`, () => {
      const spec = fieldSpec('bimaterial', { fraction });
      const sampler = createFieldSampler(spec, { nx: 64, ny: 64 });
      let high = 0;
      const values = new Set<number>();
      const field = new Float64Array(64 * 64);
      for (let s = 0; s < 500; s++) {
        sampler.sample(streamRng(11, 'field', s), field);
        for (const v of field) {
          values.add(v);
          if (v === Math.log(10)) high++;
        }
      }
      expect([...values].sort()).toEqual([0, Math.log(10)]);
      expect(Math.abs(high / (500 * 64 * 64) - fraction)).toBeLessThan(0.02);
    });
  }

  it('honours configured values and keeps the interface sharp (no intermediate values)', () => {
    const spec = fieldSpec('bimaterial', { logKLow: -1, logKHigh: 3, kernel: 'matern52' });
    const field = createFieldSampler(spec, { nx: 32, ny: 32 }).sample(streamRng(1, 'truth'));
    expect(new Set(field)).toEqual(new Set([-1, 3]));
  });
});
