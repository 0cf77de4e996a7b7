// The run directory layout of docs/DESIGN.md "Run directory"; the one place that knows file names.
import { join } from 'node:path';

export const RUN_JSON = 'run.json';
export const JOURNAL = 'journal.ndjson';
export const MEMBERS_DIR = 'members';
export const ENSEMBLE_DIR = 'ensemble';
export const FIGURES_DIR = 'figures';
export const REPORT_HTML = 'report.html';
export const SUMMARY_JSON = 'summary.json';
/** Files under ensemble/ that readers besides aggregation open (ldinv compare). */
export const ENSEMBLE_FILES = {
  logK: (stat: string) => `logk_${stat}.npy`,
  aboveThreshold: 'logk_above_threshold.npy',
} as const;

/** Width of the zero-padded member index in file names, so `ls` sorts members in order. */
const INDEX_WIDTH = 5;

export function runPaths(dir: string) {
  return {
    dir,
    runJson: join(dir, RUN_JSON),
    journal: join(dir, JOURNAL),
    members: join(dir, MEMBERS_DIR),
    ensemble: join(dir, ENSEMBLE_DIR),
    figures: join(dir, FIGURES_DIR),
    report: join(dir, REPORT_HTML),
    summary: join(dir, SUMMARY_JSON),
  };
}

export type RunPaths = ReturnType<typeof runPaths>;

/** Journal of shard `index` of `count` (Slurm arrays): one writer per file, so no shared appends. */
export function shardJournalName(index: number, count: number): string {
  return `journal.shard-${index}-of-${count}.ndjson`;
}

/** Inverse of shardJournalName; undefined for any other file. */
export function shardOfJournal(fileName: string): { index: number; count: number } | undefined {
  const m = /^journal\.shard-(\d+)-of-(\d+)\.ndjson$/.exec(fileName);
  return m ? { index: Number(m[1]), count: Number(m[2]) } : undefined;
}

export function memberFileName(index: number): string {
  return `m${String(index).padStart(INDEX_WIDTH, '0')}.msgpack`;
}

/** Inverse of memberFileName; undefined for any other file (temporaries, stray files). */
export function memberIndexOf(fileName: string): number | undefined {
  const m = /^m(\d+)\.msgpack$/.exec(fileName);
  return m ? Number(m[1]) : undefined;
}
