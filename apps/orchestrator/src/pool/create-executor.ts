// The local executors behind one call: a thread pool, or one process per device each with its own
// pool. `ldinv invert` and a queue worker (`ldinv worker`) run members on the same local pools.
import { DeviceExecutor } from './device-executor.ts';
import type { Executor } from './executor.ts';
import type { WorkerConfig } from '../member/task.ts';
import { ThreadPoolExecutor } from './thread-pool.ts';

export interface LocalPoolOptions {
  /** Worker threads (per device process with `devices`). */
  workers: number;
  /** null: one thread pool in this process; else one process per listed GPU id. */
  devices: string[] | null;
  config: WorkerConfig;
}

export function createLocalExecutor({ workers, devices, config }: LocalPoolOptions): Executor {
  return devices ? new DeviceExecutor({ devices, workers, config }) : new ThreadPoolExecutor({ workers, config });
}
