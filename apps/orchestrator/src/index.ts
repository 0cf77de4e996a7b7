export { main, buildProgram } from './cli/main.ts';
// For `npm run bench -- queue` (tools/): a throw-away redis-server on a loopback port.
export { haveRedisServer, startLocalRedis } from './queue/local-redis.ts';
// For the comparison studies (tools/study): member records and the figure renderers of the reports.
export { RunStore } from './run-store/run-store.ts';
export type { FieldMetrics } from './aggregate/ensemble.ts';
export { aggregateMembers } from './aggregate/ensemble.ts';
export { aggregateCaseOf } from './aggregate/aggregate-run.ts';
export { memberSeed } from './run/plan.ts';
export { doneMemberRecord } from './run-store/member-record.ts';
export type { DoneMember, MemberOutcome, MemberRecord } from './run-store/member-record.ts';
export { renderLinePlot, type Series } from './figures/line-plot.ts';
export { renderMosaic, type MosaicTile } from './figures/mosaic.ts';
export type { SvgFigure } from './figures/svg.ts';
