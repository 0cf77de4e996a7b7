// Runs in a worker_threads Worker (backend.test.ts): a fresh wasm instance must load from the
// installed package and train (our gradient kernels) exactly as the main thread does.
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from './backend.ts';
import { seededNormal } from './random.ts';
import { tf } from './tf.ts';

const { seed } = workerData as { seed: number };
const report = await initBackend({ backend: 'wasm' });
const x = seededNormal([2, 8, 8, 3], seed) as tf.Tensor4D;
const w = seededNormal([3, 3, 3, 4], seed + 1) as tf.Tensor4D;
const grad = tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.conv2d(x, v as tf.Tensor4D, 2, 'same'))))(w);
parentPort?.postMessage({
  backend: tf.getBackend(),
  summary: report.summary,
  draws: Array.from(x.dataSync()),
  grad: Array.from(grad.dataSync()),
});
