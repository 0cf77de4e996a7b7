// npm run bench -- NAME [flags]: runs tools/bench/NAME.bench.ts (importing a bench runs it; it
// prints one JSON line per figure and may read its own flags, e.g. --quick, from process.argv).
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SUFFIX = '.bench.ts';
const dir = fileURLToPath(new URL('.', import.meta.url));
const available = readdirSync(dir)
  .filter((f) => f.endsWith(SUFFIX))
  .map((f) => f.slice(0, -SUFFIX.length))
  .sort();
const name = process.argv[2];

if (name === undefined || !available.includes(name)) {
  const what = name === undefined ? 'no benchmark named' : `unknown benchmark ${JSON.stringify(name)}`;
  process.stderr.write(`bench: ${what}; available: ${available.join(', ')} (npm run bench -- NAME)\n`);
  process.exit(1);
}
await import(pathToFileURL(`${dir}${name}${SUFFIX}`).href);
