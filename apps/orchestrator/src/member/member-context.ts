// What a worker loads once and keeps for all its tasks: the backend, the case as an inversion problem,
// and the prior. Independent of where the worker runs (thread, device process, queue worker).
import { join } from 'node:path';
import { caseProblem, readCase, type Case } from '@ldinv/fields';
import { buildInversionProblem, type InversionProblem } from '@ldinv/optim';
import { loadPrior, type Prior } from '@ldinv/prior';
import { initBackend } from '@ldinv/tensor';
import type { WorkerConfig } from './task.ts';

export interface MemberContext {
  config: WorkerConfig;
  caseData: Case;
  problem: InversionProblem;
  prior: Prior | null;
  /** tfjs backend name in use ('wasm', 'tensorflow', 'cpu'). */
  backend: string;
}

export async function createMemberContext(config: WorkerConfig): Promise<MemberContext> {
  const report = await initBackend({ backend: config.backend });
  const caseData = readCase(config.caseDir);
  const problem = buildInversionProblem(caseProblem(caseData), caseData.observations, join(config.caseDir, 'obs.csv'));
  // A synthetic case's truth only adds the ln K error to each member's history.
  if (caseData.truthLogK) problem.truthLogK = caseData.truthLogK;
  const prior = config.prior ? await loadPrior(config.prior) : null;
  return { config, caseData, problem, prior, backend: report.backend };
}
