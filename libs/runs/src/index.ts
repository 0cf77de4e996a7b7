// @ldinv/runs: what a run directory holds and how it is read and summarised. The run store format
// (layout, run.json, member records, journal), the run configuration it records, aggregation into
// ensemble statistics and summary.json, the figures and report.html. The CLI (apps/orchestrator) and
// the studies (tools/) both import it; running members (pool, queue, workers) stays in the app.
export { packBinary, unpackBinary } from './codec/binary-pack.ts';
export { firstIssue, firstLine } from './codec/first-issue.ts';
export { readJournal } from './run-store/journal.ts';
export { autoBatch, INVERT_CONFIG_DEFAULTS, memberSettingsOf, METHODS_WITH_PRIOR, NUMERICAL_KEYS, optionName, METHODS_WITH_FIXED_START, METHODS_WITH_INIT_LOGK } from './run-store/run-config.ts';
export type { InvertConfig, MemberSettings } from './run-store/run-config.ts';
export { parseShard, shardLabel, inShard } from './run-store/shard.ts';
export type { Shard } from './run-store/shard.ts';
export { memberSeed, planBatches } from './run-store/plan.ts';
export { decodeMemberRecord, doneMemberRecord, encodeMemberRecord, memberOutcomeSchema, MEMBER_RECORD_VERSION } from './run-store/member-record.ts';
export type { MemberOutcome, DoneMember, MemberRecord } from './run-store/member-record.ts';
export type { BackendRecord, RunStatus, RunManifest, RunSession } from './run-store/run-manifest.ts';
export { RunStore } from './run-store/run-store.ts';
export { aggregateMembers } from './aggregate/ensemble.ts';
export type { FieldMetrics } from './aggregate/ensemble.ts';
export type { RunSummary } from './aggregate/run-summary.ts';
export { renderLinePlot } from './figures/line-plot.ts';
export type { Series } from './figures/line-plot.ts';
export { renderMosaic } from './figures/mosaic.ts';
export type { MosaicTile } from './figures/mosaic.ts';
export { aggregateRun, aggregateCaseOf } from './outputs/aggregate-run.ts';
export { FIT_MISFIT, compareRuns } from './outputs/compare-runs.ts';
export type { ComparedRun } from './outputs/compare-runs.ts';
