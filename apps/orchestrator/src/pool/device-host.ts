// A device process: TensorFlow pins GPUs per process, so `--devices 0,1` runs one of these per listed
// device (CUDA_VISIBLE_DEVICES set by the parent), each with its own thread pool.
import type { FromDevice, ToDevice } from './device-messages.ts';
import { ThreadPoolExecutor } from './thread-pool.ts';

const send = (m: FromDevice) => process.send?.(m);
// Ctrl-C reaches the whole process group; the orchestrator decides what stops, and tells us.
process.on('SIGINT', () => {});
// The orchestrator is gone (e.g. kill -9): nobody will take our results, so stop.
process.on('disconnect', () => process.exit(0));

let executor: ThreadPoolExecutor | null = null;
let device = '';
const controllers = new Map<number, AbortController>();

process.on('message', (msg: ToDevice) => {
  switch (msg.type) {
    case 'init':
      device = msg.device;
      executor = new ThreadPoolExecutor({ workers: msg.workers, config: msg.config });
      send({ type: 'ready' });
      break;
    case 'run': {
      const { id } = msg.task;
      const ctrl = new AbortController();
      controllers.set(id, ctrl);
      const progress = {
        report: (member: number, iteration: number, misfit: number, regulariser: number) =>
          send({ type: 'progress', id, member, iteration, misfit, regulariser }),
      };
      executor!
        .run(msg.task, progress, ctrl.signal)
        .then(
          (result) => send({ type: 'result', id, result: { ...result, worker: `device ${device} ${result.worker}` } }),
          (err: unknown) => send({ type: 'error', id, message: err instanceof Error ? err.message : String(err) }),
        )
        .finally(() => controllers.delete(id));
      break;
    }
    case 'abort':
      controllers.get(msg.id)?.abort();
      break;
    case 'close':
      void (executor?.close() ?? Promise.resolve()).finally(() => process.exit(0));
      break;
  }
});
