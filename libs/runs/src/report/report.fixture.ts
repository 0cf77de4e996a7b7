// A synthetic aggregated run (12x12 bimaterial truth, 5 members of which one is left out and one
// failed) with its figures and report, for the report tests.
import { aggregateMembers, type AggregateCase } from '../aggregate/ensemble.ts';
import { INVERT_CONFIG_DEFAULTS } from '../run-store/run-config.ts';
import { doneMember } from '../run-store/member-record.fixture.ts';
import type { MemberRecord } from '../run-store/member-record.ts';
import type { RunManifest } from '../run-store/run-manifest.ts';
import { renderReport } from './report-html.ts';
import { runFigures } from './run-figures.ts';

export function syntheticReport() {
  const nx = 12;
  const ny = 12;
  const truth = Float64Array.from({ length: nx * ny }, (_, c) => (c % nx < nx / 2 ? -1 : 1));
  const heads = (logK: Float64Array) => [logK.map((v) => v / 10)];
  const observations = [{ x: 0.3, y: 0.6, head: -0.1, sigma: 0.01, test: 0 }, { x: 0.8, y: 0.2, head: 0.1, sigma: 0.01, test: 0 }];
  const c: AggregateCase = {
    grid: { nx, ny }, tests: 1, observations, truthLogK: truth, truthHeads: heads(truth),
    predict: (logK) => ({ heads: heads(logK), predicted: Float64Array.of(logK[0] / 10, logK[nx - 1] / 10) }),
    threshold: { value: 0, source: "midway between the case's materials (-1, 1)", highFraction: 0.5 },
  };
  const records: MemberRecord[] = [0, 1, 2, 3].map((m) => {
    const logK = truth.map((v, i) => v + 0.3 * Math.sin(m + i));
    const base = doneMember(m, nx, ny);
    // Traced ln K error with a gap (NaN), as pinn writes it.
    const history = { ...base.history, logKError: Float64Array.of(1, Number.NaN, 0.3 + m / 10) };
    return { ...base, logK, heads: heads(logK), misfit: m === 2 ? 40 : 1 + m / 10, history };
  });
  records.push({ version: 1, status: 'failed', index: 4, seed: 4, attempts: 3, error: 'worker <died>', errors: ['worker <died>'] });
  const result = aggregateMembers(records, c, { maxMisfit: 10 });
  const figures = runFigures(result, records, { observations, tests: 1, truthLogK: truth }, 10);
  const manifest: RunManifest = {
    version: 1, id: 'synthetic', runKey: 'synthetic-00000000', status: 'complete', caseName: 'bimaterial-12', caseHash: '', priorDir: null, priorHash: null, versions: { node: process.versions.node },
    backend: 'wasm', createdAt: '', sessions: [], config: { ...INVERT_CONFIG_DEFAULTS, case: '/cases/x', prior: null, initLogK: 0, members: 5, method: 'pixel', mode: 'rml' },
    seeds: { run: 0, members: [0, 1, 2, 3, 4] }, counts: { members: 5, done: 4, failed: 1 },
  };
  const input = { manifest, result, figures, maxMisfit: 10 };
  return { result, figures, input, html: renderReport(input) };
}
