// Messages between the orchestrator and a device process (IPC with structured-clone serialisation,
// so typed arrays stay binary).
import type { BackendChoice, BackendReport } from '@ldinv/tensor';
import type { BackendRecord } from '@ldinv/runs';
import type { MemberTask, TaskResult, WorkerConfig } from '../member/task.ts';

export type ToDevice =
  /** Load the backend (in the process's main thread) and answer 'ready' or 'init-error'. */
  | { type: 'init'; backend: BackendChoice; workers: number; device: string }
  /** The run's configuration: start the threads (or the in-process runner) that run members. */
  | { type: 'configure'; config: WorkerConfig }
  | { type: 'run'; task: MemberTask }
  | { type: 'abort'; id: number }
  | { type: 'close' };

export type FromDevice =
  /** `slots`: tasks this process runs at once (1 with native TensorFlow, else its threads). */
  | { type: 'ready'; report: BackendReport; record: BackendRecord; slots: number }
  | { type: 'init-error'; message: string }
  | { type: 'progress'; id: number; member: number; iteration: number; misfit: number; regulariser: number }
  | { type: 'result'; id: number; result: TaskResult }
  | { type: 'error'; id: number; message: string };
