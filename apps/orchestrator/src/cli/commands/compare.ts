// ldinv compare RUN... --out DIR: runs of one case by several methods or modes, side by side
// (compare.html, its figures and compare.json), from each run's summary.json and ensemble maps.
import type { Command } from 'commander';
import { compareRuns } from '@ldinv/runs';

export function registerCompare(program: Command): void {
  program
    .command('compare <runs...>')
    .description('compare aggregated runs of one case: a metrics table and their mean, std and probability maps (compare.html, compare.json)')
    .requiredOption('--out <dir>', 'directory for compare.html, compare.json and the figures')
    .option('--json', 'print the outcome as one JSON line')
    .action((runs: string[], o: { out: string; json?: boolean }) => {
      const c = compareRuns(runs, o.out);
      process.stdout.write(o.json ? `${JSON.stringify({ type: 'compare', path: c.htmlPath, json: c.jsonPath, runs: c.runs.length })}\n` : `${c.htmlPath}\n`);
    });
}
