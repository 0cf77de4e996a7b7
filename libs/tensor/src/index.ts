// The one place that imports TensorFlow.js; every other lib goes through here.
export { tf } from './tf.ts';
export {
  BACKEND_CHOICES,
  backendReport,
  initBackend,
  parseBackendChoice,
  type BackendChoice,
  type BackendReport,
  type InitBackendOptions,
} from './backend.ts';
export { createRng, deriveSeed, fmix32, hashSeed, mulberry32, seededNormal, shuffledIndices, type Rng } from './random.ts';
export { groupNormFused, hasGroupNormKernel } from './kernels/group-norm.ts';
export { tidyValues } from './tidy-values.ts';
export { atomicTarget, createFileAtomic, isAtomicTemp, uniqueSuffix, writeFileAtomic } from './atomic-write.ts';
export { convWithBias } from './gradients/conv-with-bias.ts';
export { taylorTest, tensorTaylorTest, type TaylorOptions } from './taylor.ts';
