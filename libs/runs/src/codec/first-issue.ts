// One line for a zod failure, `path.to.field: what was wrong (and N more)`: the caller puts the file or
// job in front, so a malformed record or job names where, what and (for a type) what was got.
import type { z } from 'zod';

export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue.path.map(String).join('.') || '(top level)';
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return `${where}: ${issue.message}${more}`;
}

/** The first line of an error's message (a stack or a wrapped cause must not break a one-line report). */
export function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}
