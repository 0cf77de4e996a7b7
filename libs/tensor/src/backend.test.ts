import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { initBackend, parseBackendChoice, selectBackend, type BackendLoader, type Candidate } from './backend.ts';
import { seededNormal } from './random.ts';
import { tf } from './tf.ts';

const absent = (pkg: string): BackendLoader => () => Promise.reject(new Error(`${pkg} is not installed`));
const loads = (name: string): BackendLoader => () => Promise.resolve(name);

function installed(pkg: string): boolean {
  try {
    createRequire(import.meta.url).resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

describe('selectBackend', () => {
  it('auto falls back to wasm when both native packages are absent, and says why in one line', async () => {
    const report = await selectBackend('auto', {
      'tfjs-node-gpu': absent('@tensorflow/tfjs-node-gpu'),
      'tfjs-node': absent('@tensorflow/tfjs-node'),
      wasm: loads('wasm'),
      cpu: loads('cpu'),
    });
    expect(report.backend).toBe('wasm');
    expect(report.provider).toBe('wasm');
    expect(report.attempts.map((a) => [a.candidate, a.ok])).toEqual([
      ['tfjs-node-gpu', false],
      ['tfjs-node', false],
      ['wasm', true],
      ['cpu', false],
    ]);
    expect(report.summary).toBe(
      'backend wasm via wasm (requested auto); skipped tfjs-node-gpu: @tensorflow/tfjs-node-gpu is not installed; ' +
        'tfjs-node: @tensorflow/tfjs-node is not installed; cpu: not tried, wasm loaded',
    );
  });

  it('auto takes CPU TensorFlow when the GPU build fails to load, and does not try the rest', async () => {
    const report = await selectBackend('auto', {
      'tfjs-node-gpu': () => Promise.reject(new Error('libcudart.so.11.0: cannot open shared object file\n    at Module._load')),
      'tfjs-node': loads('tensorflow'),
      wasm: () => Promise.reject(new Error('must not be tried')),
      cpu: () => Promise.reject(new Error('must not be tried')),
    });
    expect(report.provider).toBe('tfjs-node');
    expect(report.attempts[0].reason).toBe('libcudart.so.11.0: cannot open shared object file');
    expect(report.attempts.slice(2).map((a) => a.reason)).toEqual(['not tried, tfjs-node loaded', 'not tried, tfjs-node loaded']);
  });

  it('auto ends on cpu when wasm cannot load either', async () => {
    const report = await selectBackend('auto', {
      'tfjs-node-gpu': absent('a'),
      'tfjs-node': absent('b'),
      wasm: () => Promise.reject(new Error('failed to load wasm binary')),
      cpu: loads('cpu'),
    });
    expect(report.backend).toBe('cpu');
    expect(report.summary).toContain('wasm: failed to load wasm binary');
  });

  it('a forced tensorflow that cannot load rejects with one line naming both packages', async () => {
    const fail = selectBackend('tensorflow', {
      'tfjs-node-gpu': absent('@tensorflow/tfjs-node-gpu'),
      'tfjs-node': () => Promise.reject(new Error('The specified module could not be found.\nbinding.node')),
      wasm: loads('wasm'),
      cpu: loads('cpu'),
    } satisfies Record<Candidate, BackendLoader>);
    await expect(fail).rejects.toThrow(
      /^backend tensorflow: cannot load tfjs-node-gpu \(@tensorflow\/tfjs-node-gpu is not installed\), tfjs-node \(The specified module could not be found\.\)$/,
    );
  });
});

describe('initBackend (this machine)', () => {
  // First in this file: the wasm module is instantiated once per thread.
  it('leaves no process-wide exception handlers behind (the emscripten glue installs two)', async () => {
    const count = () => [process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')];
    const before = count();
    await initBackend({ backend: 'wasm' });
    expect(count()).toEqual(before);
  });

  it('rejects an unknown backend name', async () => {
    expect(() => parseBackendChoice('gpu', '--backend')).toThrow("--backend must be one of auto, tensorflow, wasm, cpu, got 'gpu'");
    await expect(initBackend({ backend: 'webgl' as never })).rejects.toThrow("backend must be one of auto, tensorflow, wasm, cpu, got 'webgl'");
  });

  const native = installed('@tensorflow/tfjs-node-gpu') || installed('@tensorflow/tfjs-node');

  it.skipIf(native)('without native packages, auto gives wasm and --backend tensorflow fails in one line', async () => {
    const report = await initBackend({ backend: 'auto' });
    expect(report.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(report.summary).toMatch(/^backend wasm via wasm \(requested auto\); skipped tfjs-node-gpu: .*not installed; tfjs-node: .*not installed/);
    const forced = initBackend({ backend: 'tensorflow' });
    await expect(forced).rejects.toThrow(/^backend tensorflow: cannot load tfjs-node-gpu \(.+\), tfjs-node \(.+\)$/);
    await forced.catch((e: Error) => expect(e.message).not.toContain('\n'));
  });

  it.runIf(native)('with a native package installed, auto gives tensorflow', async () => {
    expect((await initBackend({ backend: 'auto' })).backend).toBe('tensorflow');
  });

  it('is idempotent and switches between backends on request', async () => {
    const a = await initBackend({ backend: 'wasm' });
    expect(await initBackend({ backend: 'wasm' })).toBe(a);
    expect((await initBackend({ backend: 'cpu' })).backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect((await initBackend({ backend: 'wasm' })).backend).toBe('wasm');
  });

  it('loads wasm in a worker thread, which computes what the main thread computes', async () => {
    const seed = 7;
    const fromWorker = await new Promise<{ backend: string; draws: number[]; grad: number[] }>((resolve, reject) => {
      // A JS bootstrap registers tsx's loader in the worker, then imports the TypeScript entry.
      const entry = new URL('./backend-worker.fixture.ts', import.meta.url).href;
      const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
      const worker = new Worker(bootstrap, { eval: true, workerData: { seed } });
      worker.once('message', (m) => {
        resolve(m);
        void worker.terminate();
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`worker exited with code ${code} before replying`)));
    });
    expect(fromWorker.backend).toBe('wasm');
    await initBackend({ backend: 'wasm' });
    const x = seededNormal([2, 8, 8, 3], seed) as tf.Tensor4D;
    const w = seededNormal([3, 3, 3, 4], seed + 1) as tf.Tensor4D;
    const grad = tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.conv2d(x, v as tf.Tensor4D, 2, 'same'))))(w);
    // Same seed, separate wasm instance: identical draws and bit-identical gradients.
    expect(fromWorker.draws).toEqual(Array.from(x.dataSync()));
    expect(fromWorker.grad).toEqual(Array.from(grad.dataSync()));
    tf.dispose([x, w, grad]);
  });
});
