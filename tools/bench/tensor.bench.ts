// npm run bench -- tensor  (or: npx tsx tools/bench/tensor.bench.ts [--quick])
// Issue 3 figure: the layer pair conv3x3 64->64, ReLU, conv3x3 64->64 on a batch 8x16x16x64,
// forward and forward+backward (gradients of both weights), on wasm with our kernels (one thread)
// and on the cpu backend in the same run. Effective FLOPs follow the usual convention (and
// DESIGN's figures): a conv costs 2 N H W Ci Co kh kw; forward+backward counts 3x forward.
// wasm times are medians of 15 runs after 3 warm-ups; cpu forward+backward is one run (~1 min).
// --quick times the cpu forward+backward at batch 1 and scales by 8 (said in its JSON line).
import { loadavg } from 'node:os';
import { initBackend, seededNormal, tf } from '@ldinv/tensor';

const N = 8;
const H = 16;
const C = 64;
const CONV_FLOPS = 2 * N * H * H * C * C * 9;
const FORWARD_FLOPS = 2 * CONV_FLOPS;
const FWD_BWD_FLOPS = 3 * FORWARD_FLOPS;
const quick = process.argv.includes('--quick');

function emit(figure: string, backend: string, value: number, extra: Record<string, unknown> = {}): void {
  // load1: the machine is shared; a busy one slows both backends alike but not the ratio.
  const line = { bench: 'tensor', figure, backend, batch: N, value: Number(value.toPrecision(4)), ...extra, load1: loadavg()[0] };
  console.log(JSON.stringify(line));
}

interface Net {
  forward(): tf.Tensor;
  forwardBackward(): tf.Tensor[];
  dispose(): void;
}

function makeNet(batch: number): Net {
  const x = seededNormal([batch, H, H, C], 1) as tf.Tensor4D;
  // He-scaled weights keep activations O(1) so both backends do the same arithmetic regime.
  const w1 = seededNormal([3, 3, C, C], 2, 0, Math.sqrt(2 / (9 * C))) as tf.Tensor4D;
  const w2 = seededNormal([3, 3, C, C], 3, 0, Math.sqrt(2 / (9 * C))) as tf.Tensor4D;
  const probe = seededNormal([batch, H, H, C], 4);
  const net = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.conv2d(tf.relu(tf.conv2d(x, a, 1, 'same')), b, 1, 'same');
  // <probe, y> has gradient probe: a full backward pass with a dense upstream gradient.
  const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(net(a as tf.Tensor4D, b as tf.Tensor4D), probe)));
  return {
    forward: () => net(w1, w2),
    forwardBackward: () => grads([w1, w2]),
    dispose: () => tf.dispose([x, w1, w2, probe]),
  };
}

/** Median wall time (ms) of `reps` runs after `warmup` runs; results are read back each time. */
function time(fn: () => tf.Tensor | tf.Tensor[], reps: number, warmup: number): number {
  const samples: number[] = [];
  for (let i = 0; i < warmup + reps; i++) {
    const t0 = performance.now();
    const out = fn();
    for (const t of Array.isArray(out) ? out : [out]) t.dataSync();
    const dt = performance.now() - t0;
    tf.dispose(out);
    if (i >= warmup) samples.push(dt);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

const report = await initBackend({ backend: 'wasm' });
console.error(report.summary);
const wasmNet = makeNet(N);
const wasmFwd = time(wasmNet.forward, 15, 3);
const wasmFb = time(wasmNet.forwardBackward, 15, 3);
wasmNet.dispose();
emit('forward ms', 'wasm', wasmFwd);
emit('forward GFLOP/s', 'wasm', FORWARD_FLOPS / wasmFwd / 1e6);
emit('forward+backward ms', 'wasm', wasmFb);
emit('forward+backward GFLOP/s effective', 'wasm', FWD_BWD_FLOPS / wasmFb / 1e6);

await initBackend({ backend: 'cpu' });
const cpuNet = makeNet(N);
const cpuFwd = time(cpuNet.forward, 3, 1);
cpuNet.dispose();
emit('forward ms', 'cpu', cpuFwd);
emit('forward GFLOP/s', 'cpu', FORWARD_FLOPS / cpuFwd / 1e6);
const cpuBatch = quick ? 1 : N;
const small = makeNet(cpuBatch);
const cpuFb = (time(small.forwardBackward, 1, 0) * N) / cpuBatch;
small.dispose();
const scaled = cpuBatch === N ? {} : { measured_batch: cpuBatch, scaled_to_batch: N };
emit('forward+backward ms', 'cpu', cpuFb, scaled);
emit('forward+backward GFLOP/s effective', 'cpu', FWD_BWD_FLOPS / cpuFb / 1e6, scaled);
emit('forward+backward speedup wasm/cpu', 'wasm', cpuFb / wasmFb, scaled);
