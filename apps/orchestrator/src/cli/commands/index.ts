import type { Command } from 'commander';
import { registerAggregate } from './aggregate.ts';
import { registerCompare } from './compare.ts';
import { registerGenData } from './gen-data.ts';
import { registerInvert } from './invert.ts';
import { registerQuickstart } from './quickstart.ts';
import { registerSimulate } from './simulate.ts';
import { registerSolve } from './solve.ts';
import { registerTrain } from './train.ts';
import { registerWorker } from './worker.ts';
import { registerSample } from './sample.ts';

/** Each subcommand lives in its own file and adds itself here. */
export function registerCommands(program: Command): void {
  registerSimulate(program);
  registerGenData(program);
  registerInvert(program);
  registerAggregate(program);
  registerCompare(program);
  registerSolve(program);
  registerQuickstart(program);
  registerTrain(program);
  registerSample(program);
  registerWorker(program);
}
