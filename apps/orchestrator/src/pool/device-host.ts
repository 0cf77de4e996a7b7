// A device process: TensorFlow pins GPUs per process, so `--devices 0,1` runs one of these per listed
// device (CUDA_VISIBLE_DEVICES set by the parent). It loads the backend first, in its main thread, and
// reports what loaded (the orchestrator refuses a GPU run that got no GPU build). With native
// TensorFlow its members run in that same thread, one task at a time (the binding must not be loaded
// by a second thread, tensorflow/tfjs#8388); with wasm or cpu they run on its own thread pool.
import { initBackend } from '@ldinv/tensor';
import { firstLine, type BackendRecord } from '@ldinv/runs';
import { backendRecordOf } from './backend-record.ts';
import type { FromDevice, ToDevice } from './device-messages.ts';
import type { Executor } from './executor.ts';
import { InProcessExecutor } from './in-process.ts';
import { ThreadPoolExecutor } from './thread-pool.ts';

const send = (m: FromDevice) => process.send?.(m);
// Ctrl-C reaches the whole process group; the orchestrator decides what stops, and tells us.
process.on('SIGINT', () => {});
// The orchestrator is gone (e.g. kill -9): nobody will take our results, so stop.
process.on('disconnect', () => process.exit(0));


let device = '';
let workers = 1;
/** Settles when the backend has loaded (with this process's record and whether it is native), or failed. */
let loaded: Promise<{ record: BackendRecord; native: boolean }> | null = null;
let executor: Promise<Executor> | null = null;
const controllers = new Map<number, AbortController>();

process.on('message', (msg: ToDevice) => {
  switch (msg.type) {
    case 'init':
      device = msg.device;
      workers = msg.workers;
      loaded = initBackend({ backend: msg.backend }).then((report) => {
        const native = report.backend === 'tensorflow';
        const record = backendRecordOf(report, device, native ? 1 : workers);
        send({ type: 'ready', report, record, slots: record.threads });
        return { record, native };
      });
      loaded.catch((err: unknown) => send({ type: 'init-error', message: `device ${device}: ${firstLine(err)}` }));
      break;
    case 'configure': {
      const { config } = msg;
      executor = loaded!.then(({ native }) => (native ? new InProcessExecutor(config) : new ThreadPoolExecutor({ workers, config })));
      break;
    }
    case 'run': {
      const { id } = msg.task;
      const ctrl = new AbortController();
      controllers.set(id, ctrl);
      const progress = {
        report: (member: number, iteration: number, misfit: number, regulariser: number) =>
          send({ type: 'progress', id, member, iteration, misfit, regulariser }),
      };
      const configured = executor ?? Promise.reject(new Error(`device ${device}: task ${id} before the run's configuration`));
      Promise.all([configured, loaded!])
        .then(([ex, { record }]) =>
          ex.run(msg.task, progress, ctrl.signal).then((result) => ({ ...result, worker: `device ${device} ${result.worker}`, runtime: record })),
        )
        .then(
          (result) => send({ type: 'result', id, result }),
          (err: unknown) => send({ type: 'error', id, message: err instanceof Error ? err.message : String(err) }),
        )
        .finally(() => controllers.delete(id));
      break;
    }
    case 'abort':
      controllers.get(msg.id)?.abort();
      break;
    case 'close':
      void (executor ?? Promise.resolve(null))
        .then((ex) => ex?.close())
        .catch(() => undefined)
        .finally(() => process.exit(0));
      break;
  }
});
