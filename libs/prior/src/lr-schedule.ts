export interface LrSchedule {
  /** Peak learning rate. */
  peak: number;
  /** Linear warm-up steps from 0 to the peak. */
  warmup: number;
  /** Total optimiser steps; the cosine decay ends here. */
  total: number;
  /** Final learning rate as a fraction of the peak. */
  floor: number;
}

/** Linear warm-up then cosine decay to floor · peak (Loshchilov & Hutter 2017, no restarts). */
export function learningRate(step: number, s: LrSchedule): number {
  if (step < s.warmup) return (s.peak * (step + 1)) / s.warmup;
  const progress = Math.min(1, (step - s.warmup) / Math.max(1, s.total - s.warmup));
  return s.peak * (s.floor + (1 - s.floor) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}
