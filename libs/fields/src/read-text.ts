// Reading a user's text file (case.json, obs.csv, a wells or observation-well CSV) with the one-line
// error every reader of the project gives when the file is missing or unreadable.
import { readFileSync } from 'node:fs';

/** The file's text as UTF-8; throws `path: cannot read (ENOENT)` and the like. */
export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}
