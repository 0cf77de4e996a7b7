// The figures of a run's first n members, as an n-member run would have them: member seeds depend only
// on (run seed, member index) (libs/runs/src/run-store/plan.ts), so members 0..n−1 of a 32-member run
// are the members of the 8-member run with the same seed, and one run gives both ensemble sizes.
import { readCase } from '@ldinv/fields';
import { aggregateCaseOf, aggregateMembers, RunStore } from '@ldinv/runs';
import type { RunSummary } from './study-metrics.ts';

/** A RunSummary of members 0..n−1 of the run in runDir (aggregated as the run aggregates, its --max-misfit). */
export function firstMembersSummary(runDir: string, n: number): RunSummary {
  const store = RunStore.open(runDir, { writable: false });
  const manifest = store.readManifest();
  const { config } = manifest;
  const records = store.memberIndices().filter((m) => m < n).map((m) => store.readMember(m));
  if (records.length < n) throw new Error(`${runDir}: has ${records.length} of its first ${n} members on disk, needs all`);
  const result = aggregateMembers(records, aggregateCaseOf(readCase(config.case), config.case), { maxMisfit: config.maxMisfit });
  return {
    run: manifest.id, case: manifest.caseName, status: 'complete', method: config.method, mode: config.mode,
    members: { requested: n, done: result.rows.filter((r) => r.status !== 'failed').length, included: result.included.length },
    ensemble: result.metrics, memberTable: result.rows,
  };
}
