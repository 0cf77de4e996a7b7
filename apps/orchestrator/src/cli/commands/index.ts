import type { Command } from 'commander';

/** Each subcommand lives in its own file and adds itself here. */
export function registerCommands(_program: Command): void {}
