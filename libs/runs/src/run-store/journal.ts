// journal.ndjson: one JSON event per line, appended as the run goes. Appends of one short line with
// O_APPEND are not torn in practice, but `kill -9` can still cut the last line, so the reader skips an
// unterminated tail instead of failing.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';

export function appendJournal(path: string, event: object): void {
  appendFileSync(path, `${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`);
}

export function readJournal(path: string): Record<string, unknown>[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  // The last element is '' after a complete final line, or a torn line after a crash.
  lines.pop();
  return lines.filter((l) => l.trim().length > 0).map((l, i) => {
    try {
      return JSON.parse(l) as Record<string, unknown>;
    } catch {
      throw new Error(`${path} line ${i + 1}: not valid JSON`);
    }
  });
}
