// zod schemas of the JSON that @ldinv/fields writes and reads (case.json, dataset.json).
import { z } from 'zod';
import { KERNELS } from './covariance.ts';
import { MIN_GRID } from './field-sampler.ts';
import { SENSOR_LAYOUTS } from './sensors.ts';

const positive = z.number().positive();

export const gridSchema = z.strictObject({
  nx: z.number().int().min(MIN_GRID),
  ny: z.number().int().min(MIN_GRID),
});

const covariance = {
  kernel: z.enum(KERNELS),
  variance: positive,
  lx: positive,
  ly: positive,
  rotation: z.number(),
};

export const fieldSpecSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('gaussian'), ...covariance, mean: z.number() }),
  z.strictObject({
    kind: z.literal('bimaterial'),
    ...covariance,
    logKLow: z.number(),
    logKHigh: z.number(),
    fraction: z.number().gt(0).lt(1),
  }),
]);

export const wellSchema = z.strictObject({
  x: z.number().min(0).max(1),
  y: z.number().min(0).max(1),
  rate: z.number(),
});

export const sensorSpecSchema = z.strictObject({
  layout: z.enum(SENSOR_LAYOUTS as ['grid', 'random']),
  count: z.number().int().min(1),
});
