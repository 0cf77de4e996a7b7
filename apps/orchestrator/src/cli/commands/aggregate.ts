// ldinv aggregate runs/NAME: recompute the ensemble statistics, figures, summary.json and report.html
// from the member records on disk (e.g. with another --max-misfit, or after a Slurm array).
import type { Command } from 'commander';
import { aggregateRun } from '../../aggregate/aggregate-run.ts';
import { numberOption } from '../field-options.ts';

export function registerAggregate(program: Command): void {
  program
    .command('aggregate <run>')
    .description('aggregate the finished members of a run: ensemble/*.npy, figures/*.png, summary.json, report.html')
    .option('--max-misfit <x>', "leave members with final chi2/M above this out of the statistics (default: the run's)")
    .option('--json', 'print the outcome as one JSON line')
    .action((run: string, o: { maxMisfit?: string; json?: boolean }) => {
      const maxMisfit = o.maxMisfit === undefined ? undefined : numberOption('max-misfit', o.maxMisfit, { min: Number.MIN_VALUE });
      const agg = aggregateRun(run, { maxMisfit });
      const r = agg.result;
      if (o.json) {
        process.stdout.write(`${JSON.stringify({ type: 'report', path: agg.reportPath, summary: agg.summaryPath, included: r.included.length, excluded: r.excluded.length, failed: r.failed.length })}\n`);
      } else {
        process.stdout.write(`${r.included.length} members in the statistics, ${r.excluded.length} left out, ${r.failed.length} failed\n${agg.reportPath}\n`);
      }
    });
}
