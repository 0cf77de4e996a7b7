// What a process that runs members loaded, for run.json (BackendRecord), and the check that a run
// which asks for GPUs got the GPU build of TensorFlow in every device process.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import type { BackendReport } from '@ldinv/tensor';
import type { BackendRecord } from '@ldinv/runs';

/** npm package of each candidate @ldinv/tensor's initBackend tries. */
export const PROVIDER_PACKAGES: Record<BackendReport['provider'], string> = {
  'tfjs-node-gpu': '@tensorflow/tfjs-node-gpu',
  'tfjs-node': '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

const requireHere = createRequire(import.meta.url);

/** The installed version of `pkg` as this process resolves it; null when it cannot be read. */
export function installedVersion(pkg: string): string | null {
  try {
    return (JSON.parse(readFileSync(requireHere.resolve(`${pkg}/package.json`), 'utf8')) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

/** This process's record, from the report of the backend it loaded. */
export function backendRecordOf(report: BackendReport, device: string | null, threads: number): BackendRecord {
  const pkg = PROVIDER_PACKAGES[report.provider];
  return {
    process: `${hostname()}:${process.pid}`, device, backend: report.backend, package: pkg, version: installedVersion(pkg),
    gpu: report.provider === 'tfjs-node-gpu', visibleDevices: process.env.CUDA_VISIBLE_DEVICES ?? null, threads,
  };
}

/** Backend choices with which a user asks for CPU work on purpose; with others, --devices means GPUs. */
const CPU_CHOICES: readonly string[] = ['wasm', 'cpu'];

/**
 * Throws one line when `--devices` asked for GPUs (backend auto or tensorflow) and a device process
 * loaded something other than the GPU build of TensorFlow. `reports` are the device processes' own
 * backend reports (what loads there, with CUDA_VISIBLE_DEVICES set), in --devices order.
 */
export function checkDeviceBackends(devices: string[], requested: string, reports: BackendReport[]): void {
  if (CPU_CHOICES.includes(requested)) return;
  const bad = reports.find((r) => r.provider !== 'tfjs-node-gpu');
  if (!bad) return;
  const what = bad.provider === 'tfjs-node' ? `tensorflow via ${PROVIDER_PACKAGES['tfjs-node']}, a CPU build` : bad.backend;
  const gpu = bad.attempts.find((a) => a.candidate === 'tfjs-node-gpu');
  const why = gpu && !gpu.ok ? gpu.reason : `no ${PROVIDER_PACKAGES['tfjs-node-gpu']}`;
  const flag = requested === 'auto' ? '' : ` with --backend ${requested}`;
  throw new Error(
    `--devices ${devices.join(',')} asks for a GPU${flag}, but the backend that loads here is ${what} (${why}): ` +
      `install ${PROVIDER_PACKAGES['tfjs-node-gpu']}, or pass --backend wasm to run on CPU processes`,
  );
}
