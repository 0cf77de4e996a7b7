// The "observe" role: typed events of a run. The journal, the terminal view and `--json` all listen here.
import type { RunStatus } from '@ldinv/runs';

export type RunEvent =
  | {
      type: 'run-start'; run: string; members: number; planned: number[]; resumed: boolean; workers: number; devices: string[] | null;
      /** Redis URL (password hidden) when members go through a queue. */
      queue?: string;
      /** 'I/N' for shard I of a job array of N. */
      shard?: string;
    }
  | { type: 'task-start'; task: number; members: number[]; attempt: number }
  /** Reported with a worker's first result; readyAt is when it could start computing (ISO time). */
  | { type: 'worker-ready'; worker: string; backend: string; initMs: number; readyAt: string }
  | { type: 'progress'; member: number; iteration: number; misfit: number; regulariser: number }
  | { type: 'member-done'; member: number; misfit: number; attempts: number; wallMs: number; worker: string }
  | { type: 'member-retry'; member: number; attempt: number; error: string }
  | { type: 'member-failed'; member: number; attempts: number; error: string }
  | { type: 'run-end'; status: RunStatus; done: number; failed: number; wallMs: number; reason?: string };

export type RunEventType = RunEvent['type'];
export type RunListener = (event: RunEvent) => void;

export class RunEvents {
  private readonly listeners: RunListener[] = [];

  on(listener: RunListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  emit(event: RunEvent): void {
    for (const l of this.listeners) l(event);
  }
}
