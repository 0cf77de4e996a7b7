// "Run a member": optimise a batch of members with @ldinv/optim and return their outcomes. Nothing
// here knows about threads, processes or files, so the pool, device processes and a queue share it.
import { inObservationOrder, invert, type InvertOptions, type MemberResult, type MemberSpec } from '@ldinv/optim';
import type { MemberOutcome } from '@ldinv/runs';
import type { MemberContext } from './member-context.ts';

// optim's result and the stored outcome carry the same fields, apart from optim's timeMs (the
// scheduler times the task instead) and the grid added here: a field added to one and not the other
// (member-record.ts's schema) fails to compile here rather than being dropped or left unchecked.
type OneSided = Exclude<keyof Omit<MemberResult, 'timeMs'>, keyof MemberOutcome> | Exclude<keyof Omit<MemberOutcome, 'grid'>, keyof MemberResult>;
const _sameFields: [OneSided] extends [never] ? true : { fieldOnOneSideOnly: OneSided } = true;

export type ReportProgress = (member: number, iteration: number, misfit: number, regulariser: number) => void;

export async function runMembers(ctx: MemberContext, members: MemberSpec[], report?: ReportProgress): Promise<MemberOutcome[]> {
  const { config, problem, prior } = ctx;
  const result = await invert(
    problem,
    prior,
    {
      method: config.method as InvertOptions['method'], mode: config.mode, members, iterations: config.iters,
      param: config.param, refineIterations: config.refine, pixelInitLogK: config.initLogK,
      mcmcBurnIn: config.burnIn, mcmcSteps: config.steps, mcmcThin: config.thin,
    },
    report ? (p) => report(p.member, p.iteration, p.misfit, p.regulariser) : undefined,
  );
  const { nx, ny } = problem.darcy.grid;
  return result.members.map(({ timeMs: _timeMs, predicted, ...m }) => ({
    ...m,
    grid: { nx, ny },
    predicted: inObservationOrder(problem, predicted),
  }));
}
