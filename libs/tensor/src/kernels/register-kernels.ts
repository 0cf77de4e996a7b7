// Kernels that tfjs 4.22 lacks, gets wrong or runs slowly. Each backend's set is registered once
// its package has registered its own kernels (ours replace theirs).
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.ts';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.ts';
import { depthwiseConv2dBackpropFilterConfig } from './depthwise-conv2d-backprop-filter.ts';
import { depthwiseConv2dBackpropInputConfig } from './depthwise-conv2d-backprop-input.ts';
import { GROUP_NORM_CPU_KERNELS, GROUP_NORM_WASM_KERNELS } from './group-norm.ts';
import { resizeNearestNeighborGradCpuConfig, resizeNearestNeighborGradWasmConfig } from './resize-nearest-neighbor-grad.ts';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.ts';

/**
 * wasm: missing in tfjs-backend-wasm 4.22 are Conv2DBackpropFilter,
 * DepthwiseConv2dNativeBackpropFilter/Input and UnsortedSegmentSum (gather's gradient);
 * Conv2DBackpropInput exists but as a scalar loop (replaced by one XNNPACK conv);
 * ResizeNearestNeighborGrad exists but ignores halfPixelCenters. Both: our fused GroupNorm.
 */
export const WASM_KERNELS: readonly KernelConfig[] = [
  conv2dBackpropInputConfig,
  conv2dBackpropFilterConfig,
  depthwiseConv2dBackpropInputConfig,
  depthwiseConv2dBackpropFilterConfig,
  unsortedSegmentSumConfig,
  resizeNearestNeighborGradWasmConfig,
  ...GROUP_NORM_WASM_KERNELS,
];

/** cpu: ResizeNearestNeighborGrad is wrong for batch > 1 and ignores halfPixelCenters. */
export const CPU_KERNELS: readonly KernelConfig[] = [resizeNearestNeighborGradCpuConfig, ...GROUP_NORM_CPU_KERNELS];

/** Registers (or re-registers, replacing the package's own) each kernel of `configs`. */
export function registerKernels(configs: readonly KernelConfig[]): void {
  for (const config of configs) {
    const existing = getKernel(config.kernelName, config.backendName);
    if (existing === config) continue;
    if (existing != null) unregisterKernel(config.kernelName, config.backendName);
    registerKernel(config);
  }
}
