// Backend choice (DESIGN "Compute backend"): native TensorFlow where it loads (GPU build first),
// else wasm with our gradient kernels, else the pure-JS cpu backend. tfjs-node(-gpu) are optional
// dependencies whose install downloads libtensorflow; where that failed they are absent, so they
// are only ever loaded by dynamic import inside try/catch.
import { createRequire } from 'node:module';
import path from 'node:path';
import { tf } from './tf.ts';
import { registerKernels, WASM_KERNELS } from './kernels/register-kernels.ts';

/** What the caller asks for; `auto` tries tensorflow-gpu, tensorflow, wasm, cpu in that order. The one list
 *  of backend choices: the orchestrator's --backend and queue jobs use it too. */
export const BACKEND_CHOICES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** The packages that can provide a backend, in `auto` order. */
export type Candidate = 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'cpu';

/** One candidate that was tried (or not) while choosing. */
export interface BackendAttempt {
  candidate: Candidate;
  ok: boolean;
  /** Why it failed or was not tried; empty when it loaded. */
  reason: string;
}

/** The outcome of `initBackend`, as recorded in run.json. */
export interface BackendReport {
  requested: BackendChoice;
  /** tfjs backend name now active: 'tensorflow' | 'wasm' | 'cpu'. */
  backend: string;
  /** Which package provided it. */
  provider: Candidate;
  attempts: BackendAttempt[];
  /** One line for logs: what was chosen and why the others were skipped. */
  summary: string;
}

export interface InitBackendOptions {
  /** Default 'auto'. */
  backend?: BackendChoice;
}

let current: BackendReport | null = null;

/** Validates a user-supplied backend name (e.g. from `--backend`). */
export function parseBackendChoice(value: string, where = 'backend'): BackendChoice {
  if ((BACKEND_CHOICES as readonly string[]).includes(value)) return value as BackendChoice;
  throw new Error(`${where} must be one of ${BACKEND_CHOICES.join(', ')}, got '${value}'`);
}

/**
 * Activates a backend and reports how it was chosen. Idempotent for the same request; a later
 * call with another choice switches (tensors move lazily between backends). Rejects with one line
 * when the requested backend cannot load.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendReport> {
  const requested = parseBackendChoice(options.backend ?? 'auto');
  if (current != null && current.requested === requested && tf.getBackend() === current.backend) return current;
  current = await selectBackend(requested, LOADERS);
  return current;
}

/** Loads one candidate and returns the tfjs backend name it activated; throws why it cannot. */
export type BackendLoader = () => Promise<string>;

/** The choice logic of `initBackend`, over given loaders (tests pass fakes). */
export async function selectBackend(requested: BackendChoice, loaders: Record<Candidate, BackendLoader>): Promise<BackendReport> {
  const order: Candidate[] =
    requested === 'auto'
      ? ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu']
      : requested === 'tensorflow'
        ? ['tfjs-node-gpu', 'tfjs-node']
        : [requested];
  const attempts: BackendAttempt[] = [];
  let chosen: { name: string; provider: Candidate } | null = null;
  for (const candidate of order) {
    if (chosen != null) {
      attempts.push({ candidate, ok: false, reason: `not tried, ${chosen.provider} loaded` });
      continue;
    }
    try {
      chosen = { name: await loaders[candidate](), provider: candidate };
      attempts.push({ candidate, ok: true, reason: '' });
    } catch (err) {
      attempts.push({ candidate, ok: false, reason: oneLine(err) });
    }
  }
  if (chosen == null) {
    throw new Error(`backend ${requested}: cannot load ${attempts.map((a) => `${a.candidate} (${a.reason})`).join(', ')}`);
  }
  const skipped = attempts.filter((a) => !a.ok).map((a) => `${a.candidate}: ${a.reason}`);
  const summary =
    `backend ${chosen.name} via ${chosen.provider} (requested ${requested})` +
    (skipped.length > 0 ? `; skipped ${skipped.join('; ')}` : '');
  return { requested, backend: chosen.name, provider: chosen.provider, attempts, summary };
}

/** The report of the last successful `initBackend`, or null before it. */
export function backendReport(): BackendReport | null {
  return current;
}

const LOADERS: Record<Candidate, BackendLoader> = {
  'tfjs-node-gpu': () => loadNative('@tensorflow/tfjs-node-gpu'),
  'tfjs-node': () => loadNative('@tensorflow/tfjs-node'),
  wasm: loadWasm,
  cpu: async () => activate('cpu'),
};

async function loadNative(pkg: string): Promise<string> {
  // Both native packages register a backend named 'tensorflow'; only one can be loaded.
  if (tf.findBackendFactory('tensorflow') != null) return activate('tensorflow');
  try {
    // A variable specifier keeps bundlers and tsc from resolving a package that may be absent.
    const specifier: string = pkg;
    await import(specifier);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const missing = (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String((err as Error).message).includes(`'${pkg}'`);
    if (missing) throw new Error(`${pkg} is not installed`);
    throw new Error(`${pkg} failed to load: ${oneLine(err)}`);
  }
  return activate('tensorflow');
}

let wasmLoaded = false;

async function loadWasm(): Promise<string> {
  if (!wasmLoaded) {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // The .wasm binaries ship in the package's dist/; load them from disk, never the network.
    const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(path.dirname(entry) + path.sep);
    // One worker thread = one single-threaded wasm instance (DESIGN); Node has no wasm threads here anyway.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    registerKernels(WASM_KERNELS);
    wasmLoaded = true;
  }
  // Emscripten's Node glue installs process handlers that rethrow every uncaught exception and
  // unhandled rejection, printing a megabyte of minified source; the app owns those events.
  const before = { u: process.listeners('uncaughtException'), r: process.listeners('unhandledRejection') };
  try {
    return await activate('wasm');
  } finally {
    for (const l of process.listeners('uncaughtException')) if (!before.u.includes(l)) process.off('uncaughtException', l);
    for (const l of process.listeners('unhandledRejection')) if (!before.r.includes(l)) process.off('unhandledRejection', l);
  }
}

async function activate(name: string): Promise<string> {
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') failed`);
  await tf.ready();
  return name;
}

function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.trim().split('\n')[0].trim();
}
