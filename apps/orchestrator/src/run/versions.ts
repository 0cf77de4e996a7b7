// Package versions for run.json, read from the installed package.json files.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

const PACKAGES = [
  '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-node',
  '@tensorflow/tfjs-node-gpu', 'piscina', 'comlink', 'msgpackr', 'pngjs', 'bullmq', 'ioredis',
];
const WORKSPACES = ['libs/tensor', 'libs/solver', 'libs/fields', 'libs/prior', 'libs/optim', 'libs/runs', 'apps/orchestrator'];

function versionAt(dir: string): { name: string; version: string } | null {
  const p = join(dir, 'package.json');
  if (!existsSync(p)) return null;
  const json = JSON.parse(readFileSync(p, 'utf8')) as { name: string; version: string };
  return { name: json.name, version: json.version };
}

/** node, the ldinv workspaces and the third-party packages that shape results; absent ones omitted. */
export function packageVersions(): Record<string, string> {
  const out: Record<string, string> = { node: process.versions.node };
  for (const w of WORKSPACES) {
    const v = versionAt(join(ROOT, w));
    if (v) out[v.name] = v.version;
  }
  for (const p of PACKAGES) {
    const v = versionAt(join(ROOT, 'node_modules', p));
    if (v) out[p] = v.version;
  }
  return out;
}
