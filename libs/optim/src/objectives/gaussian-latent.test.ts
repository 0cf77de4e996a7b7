import { taylorTest } from '@ldinv/tensor';
import { describe, expect, it } from 'vitest';
import { gaussianLatentPenalty } from './gaussian-latent.ts';

describe('gaussianLatentPenalty', () => {
  it('is ½|z|²/dim with gradient z/dim (Taylor rates 2)', () => {
    const z = Float64Array.from([1, -2, 0.5, 3]);
    const grad = new Float64Array(4);
    expect(gaussianLatentPenalty(z, grad)).toBeCloseTo((0.5 * (1 + 4 + 0.25 + 9)) / 4, 15);
    expect(Array.from(grad)).toEqual([0.25, -0.5, 0.125, 0.75]);
    const J = (m: Float64Array) => {
      const gradient = new Float64Array(4);
      return { value: gaussianLatentPenalty(m, gradient), gradient };
    };
    expect(Math.min(...taylorTest(J, z, [0.3, 1, -1, 0.2]).rates)).toBeGreaterThan(1.9);
  });
});
