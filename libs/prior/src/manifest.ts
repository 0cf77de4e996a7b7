import type { DenoiserConfig } from './denoiser.ts';
import type { ScheduleSpec } from './scheduler.ts';
import type { VaeConfig } from './vae.ts';

/**
 * What the prior was trained on: generated fields of a kind, or a user's imported stack ('imported', from
 * `ldinv gen-data --from`), whose prior is continuous like a gaussian one: no phases, no two-phase head.
 * @ldinv/fields' FieldKind is the generator kinds alone ('gaussian', 'bimaterial'); this one adds 'imported'.
 */
export type PriorFieldKind = 'gaussian' | 'bimaterial' | 'imported';
const PRIOR_FIELD_KINDS: readonly PriorFieldKind[] = ['gaussian', 'bimaterial', 'imported'];

/** Settings and record of one training stage. */
export interface StageRecord {
  epochs: number;
  batch: number;
  /** Optimiser steps taken. */
  steps: number;
  /** Peak learning rate of the warm-up + cosine schedule. */
  lr: number;
  /** Wall-clock seconds spent training this stage (summed over resumed runs). */
  seconds: number;
  /** Training samples per second (mean over the stage). */
  samplesPerSec: number;
  /** Validation loss after the last epoch. */
  valLoss: number;
  /** Number of scalar weights of the network. */
  weights: number;
  backend: string;
  seed: number;
  [extra: string]: unknown;
}

/** Everything about a prior except its weights (`manifest.json`). */
export interface PriorManifest {
  format: 'ldinv-prior';
  version: 1;
  name: string;
  fieldKind: PriorFieldKind;
  grid: { nx: number; ny: number };
  /** [h, w, c] of the latent z. */
  latentShape: [number, number, number];
  /** Y_std = (ln K − mean)/std. */
  standardise: { mean: number; std: number };
  /** z = latentScale · encoder mean, so that z has unit variance over the training set (1 when whitened). */
  latentScale: number;
  /** 'dct': z is the whitened encoder mean (latent-whitening.ts; its tensors are in weights.bin). */
  latentWhitening?: 'dct' | 'none';
  schedule: ScheduleSpec;
  vae: VaeConfig;
  /** null until the diffusion stage has been trained. */
  denoiser: DenoiserConfig | null;
  /** The two ln K values of a bimaterial prior's phases (low, high). */
  phases?: [number, number];
  /** Generator settings and size of the training data. */
  dataset: Record<string, unknown>;
  training: { vae?: StageRecord; diffusion?: StageRecord; [extra: string]: unknown };
  /** Measured quality figures (held-out reconstruction, sample statistics). */
  quality: Record<string, unknown>;
}

function fail(path: string, field: string, expected: string, got: unknown): never {
  throw new Error(`${path}: ${field} must be ${expected}, got ${JSON.stringify(got)}`);
}

function positiveInts(v: unknown, n: number): v is number[] {
  return Array.isArray(v) && v.length === n && v.every((d) => Number.isInteger(d) && d > 0);
}

/** Checks the fields a prior cannot work without; errors name the file and the field. */
export function validateManifest(json: unknown, path = 'manifest.json'): PriorManifest {
  if (typeof json !== 'object' || json === null) fail(path, 'the document', 'a JSON object', json);
  const m = json as Record<string, unknown>;
  if (m.format !== 'ldinv-prior') fail(path, 'format', '"ldinv-prior"', m.format);
  if (!PRIOR_FIELD_KINDS.includes(m.fieldKind as PriorFieldKind)) fail(path, 'fieldKind', `one of ${PRIOR_FIELD_KINDS.map((k) => `"${k}"`).join(', ')}`, m.fieldKind);
  const grid = m.grid as Record<string, unknown> | undefined;
  if (!grid || !positiveInts([grid.nx, grid.ny], 2)) fail(path, 'grid', '{nx, ny} positive integers', m.grid);
  if (!positiveInts(m.latentShape, 3)) fail(path, 'latentShape', '[h, w, c] positive integers', m.latentShape);
  const st = m.standardise as Record<string, unknown> | undefined;
  if (!st || typeof st.mean !== 'number' || !(typeof st.std === 'number' && st.std > 0)) {
    fail(path, 'standardise', '{mean, std > 0}', m.standardise);
  }
  if (!(typeof m.latentScale === 'number' && m.latentScale > 0)) fail(path, 'latentScale', 'a number > 0', m.latentScale);
  const sch = m.schedule as Record<string, unknown> | undefined;
  if (!sch || sch.kind !== 'cosine' || !(Number.isInteger(sch.T) && (sch.T as number) > 1)) {
    fail(path, 'schedule', '{kind: "cosine", T >= 2, ...}', m.schedule);
  }
  const vae = m.vae as Record<string, unknown> | undefined;
  if (!vae || !Array.isArray(vae.channels) || !Number.isInteger(vae.latentChannels)) fail(path, 'vae', 'a VAE architecture', m.vae);
  if (m.latentWhitening !== undefined && m.latentWhitening !== 'dct' && m.latentWhitening !== 'none') {
    fail(path, 'latentWhitening', '"dct" or "none"', m.latentWhitening);
  }
  if (m.denoiser !== null && (typeof m.denoiser !== 'object' || !Array.isArray((m.denoiser as Record<string, unknown>).channels))) {
    fail(path, 'denoiser', 'a denoiser architecture or null', m.denoiser);
  }
  return m as unknown as PriorManifest;
}
