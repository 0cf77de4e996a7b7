import { describe, expect, it } from 'vitest';
import { nhwcConvInfo } from './nhwc-conv-info.ts';

describe('nhwcConvInfo', () => {
  it('gives the geometry of a strided, dilated or depthwise NHWC conv as tfjs computes it', () => {
    const s2 = nhwcConvInfo('Conv2DBackpropInput', [2, 9, 8, 3], [3, 3, 3, 5], { strides: 2, pad: 'same' }, false);
    expect([s2.outHeight, s2.outWidth, s2.outChannels, s2.padInfo.top, s2.padInfo.left]).toEqual([5, 4, 5, 1, 0]);
    const dil = nhwcConvInfo('DepthwiseConv2dNativeBackpropFilter', [1, 8, 8, 2], [3, 3, 2, 2], { strides: 1, pad: 'valid', dilations: 2 }, true);
    expect([dil.outHeight, dil.outChannels, dil.dilationHeight]).toEqual([4, 4, 2]);
  });

  it('refuses NCHW, naming the kernel', () => {
    expect(() => nhwcConvInfo('Conv2DBackpropFilter', [1, 3, 8, 8], [3, 3, 3, 4], { strides: 1, pad: 'same', dataFormat: 'NCHW' }, false)).toThrow(
      'wasm Conv2DBackpropFilter: dataFormat must be NHWC, got NCHW',
    );
  });
});
