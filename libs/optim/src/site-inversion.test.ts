// Inversions on a site leave inactive cells out: of the pixel smoothness, and of the ln K error a
// member's history traces (so it agrees with the aggregation's).
import { initBackend } from '@ldinv/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { invert } from './invert.ts';
import { activeCellPicker } from './metrics/active-cells.ts';
import { relativeL2 } from './metrics/relative-l2.ts';
import { smoothnessPenalty } from './objectives/smoothness.ts';
import { smallSite, syntheticProblem } from './test-cases.fixture.ts';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('inversion on a site', () => {
  it('pixel leaves inactive cells at their start and traces the ln K error over active cells only', async () => {
    const { darcy, truth, sensors } = smallSite();
    const { problem } = syntheticProblem(darcy, truth, sensors, 0.01);
    problem.truthLogK = truth;
    expect(problem.cells.active).toBeDefined();
    const start = 1.2;
    const result = await invert(problem, null, { method: 'pixel', iterations: 60, pixelInitLogK: start, noiseTolerance: null, stallWindow: 0 });
    const m = result.members[0];
    const active = problem.cells.active!;
    m.logK.forEach((v, c) => {
      if (active[c] === 0) expect(v).toBe(start);
    });
    expect(m.logK.some((v, c) => active[c] !== 0 && Math.abs(v - start) > 1e-3)).toBe(true);
    const pick = activeCellPicker(active);
    const first = relativeL2(pick(new Float64Array(truth.length).fill(start)), pick(truth));
    expect(m.history.logKError![0]).toBeCloseTo(first, 12);
    expect(first).not.toBeCloseTo(relativeL2(new Float64Array(truth.length).fill(start), truth), 3);
  });

  it('the smoothness penalty ignores faces of inactive cells and weighs faces by the cell aspect', () => {
    const grid = { nx: 3, ny: 2, dx: 2, dy: 1 };
    // Y jumps by 1 across every x-face and by 2 across every y-face.
    const logK = Float64Array.of(0, 1, 2, 2, 3, 4);
    // ½ (4 x-faces · 1² · dy/dx + 3 y-faces · 2² · dx/dy) = ½ (2 + 24).
    expect(smoothnessPenalty(logK, grid)).toBeCloseTo(13, 12);
    // Cell 2 inactive: its x-face and y-face drop out: ½ (3 · 0.5 + 2 · 8) = 8.75.
    expect(smoothnessPenalty(logK, { ...grid, active: [1, 1, 0, 1, 1, 1] })).toBeCloseTo(8.75, 12);
  });
});
