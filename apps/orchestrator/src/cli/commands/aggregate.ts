// ldinv aggregate runs/NAME: recompute the ensemble statistics, figures, summary.json and report.html
// from the member records on disk (e.g. with another --max-misfit, or merging the shards of a Slurm
// array: whatever they have finished, naming the members still missing).
import type { Command } from 'commander';
import { aggregateRun } from '@ldinv/runs';
import { numberOption } from '../field-options.ts';

export function registerAggregate(program: Command): void {
  program
    .command('aggregate <run>')
    .description('aggregate the finished members of a run: ensemble/*.npy, figures/*.svg, summary.json, report.html')
    .option('--max-misfit <x>', "leave members with final chi2/M above this out of the statistics (default: the run's)")
    .option('--threshold <y>', "ln K threshold of the probability map P(ln K > y) (default: midway between a bimaterial prior's materials)")
    .option('--json', 'print the outcome as one JSON line')
    .action((run: string, o: { maxMisfit?: string; threshold?: string; json?: boolean }) => {
      const maxMisfit = o.maxMisfit === undefined ? undefined : numberOption('max-misfit', o.maxMisfit, { min: Number.MIN_VALUE });
      const threshold = o.threshold === undefined ? undefined : numberOption('threshold', o.threshold);
      const agg = aggregateRun(run, { maxMisfit, threshold });
      const r = agg.result;
      const { missing } = agg;
      if (o.json) {
        process.stdout.write(`${JSON.stringify({ type: 'report', path: agg.reportPath, summary: agg.summaryPath, included: r.included.length, excluded: r.excluded.length, failed: r.failed.length, missing })}\n`);
      } else {
        const lines = [`${r.included.length} members in the statistics, ${r.excluded.length} left out, ${r.failed.length} failed`];
        // Shards still running or lost: say which members, so the user knows what to rerun.
        if (missing.length > 0) lines.push(`missing ${missing.length} of ${missing.length + r.rows.length} members (no record yet): ${missing.join(', ')}`);
        process.stdout.write(`${[...lines, agg.reportPath].join('\n')}\n`);
      }
    });
}
