// invert(problem, prior, options, onProgress): the one entry of an inversion. Resolves options,
// checks that the prior fits the case, dispatches to the method and times the batch.
import type { Prior } from '@ldinv/prior';
import { resolveInvertOptions, type EnsembleMode, type InversionMethod, type InvertOptions } from './invert-options.ts';
import type { MemberResult, ProgressCallback } from './member-run.ts';
import { runLatent } from './methods/latent.ts';
import { runLatentMcmc } from './methods/latent-mcmc.ts';
import { runPinn } from './methods/pinn.ts';
import { runPixel } from './methods/pixel.ts';
import { checkPriorGrid, type InversionProblem } from './problem.ts';

export interface InvertResult {
  method: InversionMethod;
  mode: EnsembleMode;
  /** One result per member, in the order of options.members. */
  members: MemberResult[];
  /** Wall time of the whole batch, ms. */
  timeMs: number;
}

/**
 * Optimises the members of options.members (a batch) and returns their results. Rejects with a
 * one-line message for bad options, a missing prior (ldim, vae) or a prior whose grid differs from
 * the case's. pixel and pinn ignore a prior beyond that check.
 */
export async function invert(
  problem: InversionProblem,
  prior: Prior | null,
  options: Partial<InvertOptions> = {},
  onProgress?: ProgressCallback,
): Promise<InvertResult> {
  const o = resolveInvertOptions(options);
  if (prior) checkPriorGrid(problem, prior);
  const start = performance.now();
  let members: MemberResult[];
  switch (o.method) {
    case 'pixel':
      members = runPixel(problem, o, onProgress);
      break;
    case 'pinn':
      members = runPinn(problem, o, onProgress);
      break;
    case 'ldim':
    case 'vae':
      if (!prior) throw new Error(`method ${o.method} needs a prior, got none`);
      members = o.mode === 'mcmc' ? runLatentMcmc(problem, prior, o, onProgress) : runLatent(problem, prior, o, onProgress);
      break;
  }
  return { method: o.method, mode: o.mode, members, timeMs: performance.now() - start };
}
