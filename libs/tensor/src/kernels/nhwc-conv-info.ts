// The geometry of a 2-D convolution as tfjs computes it, for the gradient kernels here, which read
// their operands as NHWC only (the layout of every network in this project).
import { backend_util } from '@tensorflow/tfjs-core';

export interface ConvGeometryAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  /** Absent for the regular conv gradients, whose attrs carry none (dilation 1). */
  dilations?: [number, number] | number;
  /** Absent for the depthwise kernels, which are NHWC by definition. */
  dataFormat?: 'NHWC' | 'NCHW';
}

/** tfjs's Conv2DInfo of the convolution; throws, naming the kernel, for an NCHW one. */
export function nhwcConvInfo(
  kernel: string, inShape: number[], filterShape: number[], attrs: ConvGeometryAttrs, depthwise: boolean,
): backend_util.Conv2DInfo {
  const { strides, pad, dimRoundingMode, dilations = 1, dataFormat = 'NHWC' } = attrs;
  const info = backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    depthwise,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
  if (info.dataFormat !== 'channelsLast') throw new Error(`wasm ${kernel}: dataFormat must be NHWC, got ${dataFormat}`);
  return info;
}
