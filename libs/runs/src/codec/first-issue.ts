// One line for a zod failure, `path.to.field: what was wrong (and N more)`: the caller puts the file or
// job in front, so a malformed record or job names where, what and (for a type) what was got.
import type { z } from 'zod';

export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue.path.map(String).join('.') || '(top level)';
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return `${where}: ${issue.message}${more}`;
}
