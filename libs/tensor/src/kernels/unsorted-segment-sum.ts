// UnsortedSegmentSum on wasm (missing in tfjs-backend-wasm): the gradient of tf.gather, so any
// embedding/lookup trained on wasm needs it. out[k, ...] = sum_{i : ids[i] = k} x[i, ...] is a
// scatter-add, i.e. the wasm ScatterNd kernel (which accumulates duplicate indices, as TF's).
// Ids outside [0, numSegments) contribute nothing (TF semantics): they go to a spare row that is
// sliced away, so the scatter never writes out of bounds.
import {
  UnsortedSegmentSum,
  util,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  type UnsortedSegmentSumAttrs,
} from '@tensorflow/tfjs-core';
import { withWasmScope, type BackendWasm } from './wasm-scope.ts';

function unsortedSegmentSum(args: {
  inputs: { x: TensorInfo; segmentIds: TensorInfo };
  backend: BackendWasm;
  attrs: UnsortedSegmentSumAttrs;
}): TensorInfo {
  const { x, segmentIds } = args.inputs;
  const { numSegments } = args.attrs;
  const { backend } = args;
  const idRank = segmentIds.shape.length;
  if (!util.arraysEqual(segmentIds.shape, x.shape.slice(0, idRank))) {
    throw new Error(`wasm UnsortedSegmentSum: segmentIds shape [${segmentIds.shape}] must prefix x shape [${x.shape}]`);
  }
  const count = util.sizeFromShape(segmentIds.shape);
  const rest = x.shape.slice(idRank);

  return withWasmScope(backend, (s) => {
    const ids = backend.readSync(segmentIds.dataId) as Int32Array;
    const spare = ids.some((k) => k < 0 || k >= numSegments);
    let indices: TensorInfo;
    if (spare) {
      indices = backend.makeOutput([count, 1], 'int32');
      s.adopt(indices);
      (backend.typedArrayFromHeap(indices) as Int32Array).set(ids.map((k) => (k < 0 || k >= numSegments ? numSegments : k)));
    } else {
      indices = s.reshape(segmentIds, [count, 1]);
    }
    const rows = numSegments + (spare ? 1 : 0);
    const updates = s.reshape(x, [count, ...rest]);
    const out = s.run('ScatterNd', { indices, updates }, { shape: [rows, ...rest] });
    return spare ? s.slice(out, [0, ...rest.map(() => 0)], [numSegments, ...rest]) : out;
  });
}

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as unknown as KernelFunc,
};
