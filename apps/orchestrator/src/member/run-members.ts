// "Run a member": optimise a batch of members with @ldinv/optim and return their outcomes. Nothing
// here knows about threads, processes or files, so the pool, device processes and a queue share it.
import { inObservationOrder, invert, type InvertOptions, type MemberSpec } from '@ldinv/optim';
import type { MemberOutcome } from '../pool/task.ts';
import type { MemberContext } from './member-context.ts';

export type ReportProgress = (member: number, iteration: number, misfit: number, regulariser: number) => void;

export async function runMembers(ctx: MemberContext, members: MemberSpec[], report?: ReportProgress): Promise<MemberOutcome[]> {
  const { config, problem, prior } = ctx;
  const result = await invert(
    problem,
    prior,
    {
      method: config.method as InvertOptions['method'], mode: config.mode, members, iterations: config.iters,
      param: config.param, refineIterations: config.refine, pixelInitLogK: config.initLogK,
    },
    report ? (p) => report(p.member, p.iteration, p.misfit, p.regulariser) : undefined,
  );
  const { nx, ny } = problem.darcy.grid;
  return result.members.map((m) => ({
    index: m.index,
    seed: m.seed,
    grid: { nx, ny },
    logK: m.logK,
    heads: m.heads,
    predicted: inObservationOrder(problem, m.predicted),
    misfit: m.misfit,
    regulariser: m.regulariser,
    history: m.history,
    iterations: m.iterations,
    stopReason: m.stopReason,
    ...(m.refineFrom === undefined ? {} : { refineFrom: m.refineFrom }),
    ...(m.priorWeight === undefined ? {} : { priorWeight: m.priorWeight }),
  }));
}
