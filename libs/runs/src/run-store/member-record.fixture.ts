// A small, fully populated member record for tests of the store, aggregation and report.
import { doneMemberRecord, type DoneMember } from './member-record.ts';

export function doneMember(index: number, nx = 3, ny = 2): DoneMember {
  const n = nx * ny;
  const outcome = {
    index, seed: 1000 + index, grid: { nx, ny },
    logK: Float64Array.from({ length: n }, (_, i) => Math.sin(index + i) + 1e-17 * i),
    heads: [Float64Array.from({ length: n }, (_, i) => i / n), Float64Array.from({ length: n }, (_, i) => -i)],
    predicted: Float64Array.of(0.25, 0.5), misfit: 1.5 + index, regulariser: 0.1, iterations: 3, stopReason: 'max-iterations',
    history: { iteration: Int32Array.of(0, 1, 2), misfit: Float64Array.of(9, 4, 1.5 + index), regulariser: Float64Array.of(0.3, 0.2, 0.1) },
  };
  return doneMemberRecord(outcome, 1, { startedAt: '2025-01-01T00:00:00.000Z', wallMs: 12.5, worker: 'h:1/1' });
}
