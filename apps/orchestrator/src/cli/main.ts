import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index.ts';

export function buildProgram(): Command {
  const program = new Command('ldinv')
    .description('Inverse modelling of groundwater flow with a latent-diffusion prior (LD-DIM)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerCommands(program);
  return program;
}

/** Runs the CLI; returns the exit code. Every failure is one line on stderr. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`ldinv: ${message.split('\n')[0]}\n`);
    if (process.env.LDINV_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    // An error may carry its exit code (e.g. 130 for a run stopped by Ctrl-C).
    const code = (err as { exitCode?: unknown }).exitCode;
    return typeof code === 'number' ? code : 1;
  }
}
