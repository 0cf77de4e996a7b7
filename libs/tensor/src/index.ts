// The one place that imports TensorFlow.js; every other lib goes through here.
export { tf } from './tf.ts';
export type { Tensor, Rank } from '@tensorflow/tfjs-core';
export {
  BACKEND_CHOICES,
  backendReport,
  initBackend,
  parseBackendChoice,
  type BackendAttempt,
  type BackendChoice,
  type BackendReport,
  type InitBackendOptions,
} from './backend.ts';
export { createRng, deriveSeed, fmix32, hashSeed, mulberry32, seededNormal, seededUniform, shuffledIndices, type Rng } from './random.ts';
export { CPU_KERNELS, WASM_KERNELS } from './kernels/register-kernels.ts';
export { groupNormFused, hasGroupNormKernel } from './kernels/group-norm.ts';
export { tidyValues } from './tidy-values.ts';
export { atomicTarget, createFileAtomic, isAtomicTemp, uniqueSuffix, writeFileAtomic } from './atomic-write.ts';
export { convWithBias } from './gradients/conv-with-bias.ts';
export { TAYLOR_DEFAULTS, taylorTest, tensorTaylorTest, type ReducedFunctional, type TaylorOptions, type TaylorResult } from './taylor.ts';
