// The record of what a process loaded, and the refusal of a GPU run that got no GPU build, over fake
// backend reports (the GPU and CPU builds of TensorFlow cannot load on the test machines).
import { hostname } from 'node:os';
import type { BackendReport } from '@ldinv/tensor';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { backendRecordOf, checkDeviceBackends } from './backend-record.ts';

const report = (provider: BackendReport['provider'], gpuReason = ''): BackendReport => ({
  requested: 'auto',
  backend: provider.startsWith('tfjs-node') ? 'tensorflow' : provider,
  provider,
  attempts: [
    { candidate: 'tfjs-node-gpu', ok: provider === 'tfjs-node-gpu', reason: provider === 'tfjs-node-gpu' ? '' : gpuReason },
    { candidate: provider, ok: true, reason: '' },
  ],
  summary: '',
});

describe('checkDeviceBackends', () => {
  it('passes when every device process loaded the GPU build, and whenever the user asked for wasm or cpu', () => {
    expect(() => checkDeviceBackends(['0', '1'], 'auto', [report('tfjs-node-gpu'), report('tfjs-node-gpu')])).not.toThrow();
    expect(() => checkDeviceBackends(['0'], 'wasm', [report('wasm')])).not.toThrow();
    expect(() => checkDeviceBackends(['0'], 'cpu', [report('cpu')])).not.toThrow();
  });

  it('refuses wasm under auto, and the CPU build of TensorFlow, in one line naming what was asked and what loaded', () => {
    expect(() => checkDeviceBackends(['0', '1'], 'auto', [report('tfjs-node-gpu'), report('wasm', '@tensorflow/tfjs-node-gpu is not installed')])).toThrow(
      new Error('--devices 0,1 asks for a GPU, but the backend that loads here is wasm (@tensorflow/tfjs-node-gpu is not installed): install @tensorflow/tfjs-node-gpu, or pass --backend wasm to run on CPU processes'),
    );
    expect(() => checkDeviceBackends(['2'], 'tensorflow', [report('tfjs-node', '@tensorflow/tfjs-node-gpu failed to load: libcudart.so.11.0: cannot open shared object file')])).toThrow(
      new Error(
        '--devices 2 asks for a GPU with --backend tensorflow, but the backend that loads here is tensorflow via @tensorflow/tfjs-node, a CPU build ' +
          '(@tensorflow/tfjs-node-gpu failed to load: libcudart.so.11.0: cannot open shared object file): install @tensorflow/tfjs-node-gpu, or pass --backend wasm to run on CPU processes',
      ),
    );
  });
});

describe('backendRecordOf', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('names the package, its installed version, the GPU build and the visible device', () => {
    vi.stubEnv('CUDA_VISIBLE_DEVICES', '3');
    const wasm = backendRecordOf(report('wasm'), '3', 4);
    expect(wasm).toMatchObject({ device: '3', backend: 'wasm', package: '@tensorflow/tfjs-backend-wasm', gpu: false, visibleDevices: '3', threads: 4 });
    expect(wasm.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(wasm.process).toBe(`${hostname()}:${process.pid}`);
    // Not installed here: the record still says what loaded, without a version.
    expect(backendRecordOf(report('tfjs-node-gpu'), '3', 1)).toEqual({ ...wasm, backend: 'tensorflow', package: '@tensorflow/tfjs-node-gpu', version: null, gpu: true, threads: 1 });
    vi.stubEnv('CUDA_VISIBLE_DEVICES', undefined);
    expect(backendRecordOf(report('cpu'), null, 1)).toMatchObject({ package: '@tensorflow/tfjs-backend-cpu', visibleDevices: null, device: null });
  });
});
