// One-line messages for zod schema failures: `file: path: what was expected, got what`.
import type { z } from 'zod';

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out || '(top level)';
}

function issueText(issue: z.core.$ZodIssue): string {
  const where = pathText(issue.path);
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type':
      return input === undefined
        ? `${where}: missing (expected ${issue.expected})`
        : `${where}: expected ${issue.expected === 'int' ? 'an integer' : issue.expected}, got ${show(input)}`;
    case 'too_small':
    case 'too_big': {
      const op = issue.code === 'too_small' ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const what = issue.origin === 'array' ? 'number of items ' : issue.origin === 'string' ? 'length ' : '';
      return `${where}: ${what}must be ${op} ${String(bound)}, got ${show(input)}`;
    }
    case 'invalid_value':
      return `${where}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${show(input)}`;
    case 'unrecognized_keys':
      return `${where}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
    case 'invalid_union': {
      const options = (issue as { options?: unknown[] }).options;
      if (options) {
        const got = (input as Record<string, unknown> | undefined)?.[String(issue.path.at(-1))];
        return `${where}: expected one of ${options.map((v) => JSON.stringify(v)).join(', ')}, got ${show(got)}`;
      }
      return `${where}: ${issue.message}`;
    }
    default:
      return `${where}: ${issue.message}`;
  }
}

/** Parses `value` with `schema`; on failure throws `source: <first issue>` (+ how many more). */
export function parseWithSchema<T extends z.ZodType>(schema: T, value: unknown, source: string): z.output<T> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const issues = result.error.issues;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  throw new Error(`${source}: ${issueText(issues[0])}${more}`);
}
