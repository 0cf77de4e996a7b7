import { describe, expect, it } from 'vitest';
import { tf } from '../tf.ts';
import { createRng } from '../random.ts';
import { normalData, wasmVsCpu } from './backend-compare.ts';

describe('wasm UnsortedSegmentSum', () => {
  it('sums duplicate ids like cpu, on rows of a matrix', async () => {
    const rng = createRng(1);
    const ids = Int32Array.from({ length: 40 }, () => rng.int(6));
    const x = normalData([40, 7], 2);
    const [err] = await wasmVsCpu(() => tf.unsortedSegmentSum(tf.tensor2d(x, [40, 7]), tf.tensor1d(ids, 'int32'), 6));
    expect(err).toBeLessThan(1e-5);
  });

  it('drops ids outside [0, numSegments) as TensorFlow does', async () => {
    const ids = Int32Array.from([0, -1, 2, 5, 2, 9]);
    const x = normalData([6, 3], 3);
    const [err] = await wasmVsCpu(() => tf.unsortedSegmentSum(tf.tensor2d(x, [6, 3]), tf.tensor1d(ids, 'int32'), 4));
    expect(err).toBeLessThan(1e-6);
  });

  it('gives tf.gather its gradient (embedding lookup) equal to cpu', async () => {
    const table = normalData([10, 4], 4);
    const idx = Int32Array.from([3, 3, 7, 0, 9, 3]);
    const [err] = await wasmVsCpu(() =>
      tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.gather(t, tf.tensor1d(idx, 'int32')))))(tf.tensor2d(table, [10, 4])),
    );
    expect(err).toBeLessThan(1e-5);
  });
});
