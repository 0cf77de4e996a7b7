// Messages between the orchestrator and a device process (IPC with structured-clone serialisation,
// so typed arrays stay binary).
import type { MemberTask, TaskResult, WorkerConfig } from './task.ts';

export type ToDevice =
  | { type: 'init'; config: WorkerConfig; workers: number; device: string }
  | { type: 'run'; task: MemberTask }
  | { type: 'abort'; id: number }
  | { type: 'close' };

export type FromDevice =
  | { type: 'ready' }
  | { type: 'progress'; id: number; member: number; iteration: number; misfit: number; regulariser: number }
  | { type: 'result'; id: number; result: TaskResult }
  | { type: 'error'; id: number; message: string };
