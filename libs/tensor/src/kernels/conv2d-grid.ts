// Test support: the stride/padding/shape grid the prior's networks use (DESIGN "Prior": stride-2
// downsampling, 3x3 and 1x1 convs, conv2dTranspose upsampling), plus odd sizes, rectangular
// filters, unequal strides and asymmetric explicit pads that exercise every crop/pad branch.
export type ConvPad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

export interface ConvCase {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: [number, number];
  pad: ConvPad;
}

const PADS: ConvPad[] = [
  'same',
  'valid',
  [
    [0, 0],
    [1, 1],
    [1, 1],
    [0, 0],
  ],
  [
    [0, 0],
    [2, 0],
    [0, 1],
    [0, 0],
  ],
];

function padName(pad: ConvPad): string {
  return typeof pad === 'string' ? pad : `explicit${JSON.stringify(pad.slice(1, 3))}`;
}

/** Grid of conv2d cases; `depthwise` gives filters [kh, kw, ci, multiplier]. */
export function convGrid(depthwise = false): ConvCase[] {
  const cases: ConvCase[] = [];
  const filters: [number, number][] = [
    [1, 1],
    [3, 3],
    [4, 4],
    [3, 2],
  ];
  const strides: [number, number][] = [
    [1, 1],
    [2, 2],
    [1, 2],
  ];
  for (const size of [7, 8]) {
    for (const [kh, kw] of filters) {
      for (const st of strides) {
        for (const pad of PADS) {
          const ci = 3;
          const out = depthwise ? 2 : 5;
          cases.push({
            name: `${size}x${size} k${kh}x${kw} s${st.join('x')} ${padName(pad)}`,
            x: [2, size, size + 1, ci],
            filter: [kh, kw, ci, out],
            strides: st,
            pad,
          });
        }
      }
    }
  }
  return cases;
}
