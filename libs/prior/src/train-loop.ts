import { existsSync } from 'node:fs';
import { hashSeed, mulberry32, shuffledIndices, tf } from '@ldinv/tensor';
import { TensorAdam } from './adam.ts';
import { Ema } from './ema.ts';
import { learningRate } from './lr-schedule.ts';
import type { ParamStore } from './params.ts';
import { readBundle, writeBundle } from './weights-io.ts';

/** Settings of one training stage that a resumed run must share with the first run. */
export interface LoopSettings {
  epochs: number;
  batch: number;
  /** Peak learning rate. */
  lr: number;
  /** Warm-up steps (linear), then cosine decay to lrFloor · lr. */
  warmup: number;
  lrFloor: number;
  /** EMA decay of the weights (0: no EMA). */
  emaDecay: number;
  seed: number;
}

export interface ProgressEvent {
  stage: string;
  epoch: number;
  epochs: number;
  step: number;
  totalSteps: number;
  /** Running mean of the training loss over the current epoch. */
  loss: number;
  samplesPerSec: number;
}

export interface EpochRecord {
  stage: string;
  epoch: number;
  step: number;
  trainLoss: number;
  valLoss: number;
  lr: number;
  samplesPerSec: number;
  elapsedSec: number;
  [extra: string]: unknown;
}

export interface LoopSpec {
  stage: string;
  store: ParamStore;
  /** Training items, row-major [count, ...itemShape]. */
  data: Float32Array;
  itemShape: number[];
  settings: LoopSettings;
  /** The stage's loss on a batch; step seeds any randomness (exact resume needs that). */
  loss: (batch: tf.Tensor, step: number) => tf.Scalar;
  /** Validation loss (run with the EMA weights when there is an EMA) and extra figures. */
  validate: () => { loss: number; [extra: string]: number };
  /** Checkpoint file; written atomically at least every checkpointEverySec and after each epoch. */
  checkpoint?: string;
  checkpointEverySec?: number;
  /** Continue from the checkpoint file if it exists. */
  resume?: boolean;
  onProgress?: (e: ProgressEvent) => void;
  onEpoch?: (r: EpochRecord) => void;
  /** Stop after this many optimiser steps in this call (tests of resume); state is checkpointed. */
  stopAfterSteps?: number;
}

export interface LoopResult {
  steps: number;
  seconds: number;
  samplesPerSec: number;
  valLoss: number;
  /** True when every epoch has run (false after stopAfterSteps). */
  done: boolean;
}

interface LoopState {
  stage: string;
  settings: LoopSettings;
  count: number;
  epoch: number;
  /** Next batch index within the epoch. */
  batchIndex: number;
  step: number;
  seconds: number;
  lossSum: number;
  valLoss: number;
  done: boolean;
}

/** The order of items in an epoch: a function of (seed, epoch) only, so resume is exact. */
export function epochPermutation(count: number, seed: number, epoch: number): Uint32Array {
  return shuffledIndices(count, mulberry32(hashSeed(`${seed}:epoch:${epoch}`)));
}

function sameSettings(a: LoopSettings, b: LoopSettings): string | null {
  for (const k of Object.keys(a) as (keyof LoopSettings)[]) if (a[k] !== b[k]) return `${k} ${a[k]}, this run has ${b[k]}`;
  return null;
}

/**
 * Mini-batch training shared by the VAE and diffusion stages: seeded shuffles, Adam with
 * warm-up + cosine learning rate, optional EMA, validation after each epoch, and
 * checkpoints (weights, Adam moments, EMA, step, epoch position) from which a resumed
 * run continues exactly as if never stopped.
 */
export async function runTrainingLoop(spec: LoopSpec): Promise<LoopResult> {
  const { settings, data, itemShape, store } = spec;
  const itemSize = itemShape.reduce((a, b) => a * b, 1);
  const count = Math.floor(data.length / itemSize);
  const perEpoch = Math.floor(count / settings.batch);
  if (perEpoch < 1) throw new Error(`${spec.stage}: ${count} training items are fewer than one batch of ${settings.batch}`);
  const totalSteps = perEpoch * settings.epochs;
  const schedule = { peak: settings.lr, warmup: settings.warmup, total: totalSteps, floor: settings.lrFloor };
  const adam = new TensorAdam(store);
  const ema = settings.emaDecay > 0 ? new Ema(store, settings.emaDecay) : null;
  let st: LoopState = { stage: spec.stage, settings, count, epoch: 0, batchIndex: 0, step: 0, seconds: 0, lossSum: 0, valLoss: NaN, done: false };

  if (spec.resume && spec.checkpoint && existsSync(spec.checkpoint)) {
    const { meta, tensors } = readBundle(spec.checkpoint);
    const saved = meta as LoopState;
    if (saved.stage !== spec.stage) throw new Error(`${spec.checkpoint}: checkpoint is for stage ${saved.stage}, not ${spec.stage}`);
    const diff = sameSettings(saved.settings, settings);
    if (diff) throw new Error(`${spec.checkpoint}: checkpoint was written with ${diff}`);
    if (saved.count !== count) throw new Error(`${spec.checkpoint}: checkpoint was written for ${saved.count} training items, this run has ${count}`);
    const weights = new Map<string, tf.Tensor>();
    for (const name of store.names()) {
      const t = tensors.get(`w/${name}`);
      if (!t) throw new Error(`${spec.checkpoint}: weight ${name} is missing`);
      weights.set(name, t);
    }
    store.assign(weights);
    adam.restore(tensors, saved.step);
    ema?.restore(tensors);
    for (const t of tensors.values()) t.dispose();
    st = saved;
  }

  const save = async () => {
    if (!spec.checkpoint) return;
    const tensors = new Map<string, tf.Tensor>();
    for (const [name, v] of store.vars) tensors.set(`w/${name}`, v);
    for (const [k, v] of adam.state()) tensors.set(k, v);
    if (ema) for (const [k, v] of ema.state()) tensors.set(k, v);
    await writeBundle(spec.checkpoint, st, tensors);
  };

  const everyMs = 1000 * (spec.checkpointEverySec ?? 300);
  let lastSave = performance.now();
  let stepsThisCall = 0;
  const callStart = performance.now();
  const secondsAtStart = st.seconds;
  const batchBuf = new Float32Array(settings.batch * itemSize);
  try {
    while (st.epoch < settings.epochs && !st.done) {
      const perm = epochPermutation(count, settings.seed, st.epoch);
      let epochStart = performance.now();
      let samplesThisEpoch = 0;
      while (st.batchIndex < perEpoch) {
        if (spec.stopAfterSteps !== undefined && stepsThisCall >= spec.stopAfterSteps) {
          st.seconds = secondsAtStart + (performance.now() - callStart) / 1000;
          await save();
          return { steps: st.step, seconds: st.seconds, samplesPerSec: 0, valLoss: st.valLoss, done: false };
        }
        for (let i = 0; i < settings.batch; i++) {
          const j = perm[st.batchIndex * settings.batch + i];
          batchBuf.set(data.subarray(j * itemSize, (j + 1) * itemSize), i * itemSize);
        }
        const batch = tf.tensor(batchBuf, [settings.batch, ...itemShape]);
        const lr = learningRate(st.step, schedule);
        const { loss } = adam.minimize(() => spec.loss(batch, st.step), lr);
        batch.dispose();
        if (!Number.isFinite(loss)) throw new Error(`${spec.stage}: training loss is ${loss} at step ${st.step} (lower --lr?)`);
        st.step += 1;
        st.batchIndex += 1;
        st.lossSum += loss;
        stepsThisCall += 1;
        samplesThisEpoch += settings.batch;
        ema?.update(st.step);
        const now = performance.now();
        st.seconds = secondsAtStart + (now - callStart) / 1000;
        spec.onProgress?.({
          stage: spec.stage,
          epoch: st.epoch,
          epochs: settings.epochs,
          step: st.step,
          totalSteps,
          loss: st.lossSum / st.batchIndex,
          samplesPerSec: (1000 * samplesThisEpoch) / (now - epochStart),
        });
        if (now - lastSave >= everyMs) {
          await save();
          lastSave = performance.now();
          // Checkpoint time is not training time in the samples/s figure.
          epochStart += lastSave - now;
        }
      }
      const { loss: valLoss, ...extra } = ema ? ema.withAverage(spec.validate) : spec.validate();
      const record: EpochRecord = {
        stage: spec.stage,
        epoch: st.epoch,
        step: st.step,
        trainLoss: st.lossSum / perEpoch,
        valLoss,
        lr: learningRate(st.step - 1, schedule),
        samplesPerSec: (1000 * samplesThisEpoch) / (performance.now() - epochStart),
        elapsedSec: st.seconds,
        ...extra,
      };
      st.valLoss = valLoss;
      st.epoch += 1;
      st.batchIndex = 0;
      st.lossSum = 0;
      st.done = st.epoch >= settings.epochs;
      st.seconds = secondsAtStart + (performance.now() - callStart) / 1000;
      spec.onEpoch?.(record);
      await save();
      lastSave = performance.now();
    }
    // The networks leave training with their averaged weights.
    if (ema) store.assign(ema.shadow as Map<string, tf.Tensor>);
    const samplesPerSec = st.seconds > 0 ? (st.step * settings.batch) / st.seconds : 0;
    return { steps: st.step, seconds: st.seconds, samplesPerSec, valLoss: st.valLoss, done: true };
  } finally {
    adam.dispose();
    ema?.dispose();
  }
}
