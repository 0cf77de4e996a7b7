// Colour maps as evenly spaced anchors, linearly interpolated. viridis and magma are perceptually
// uniform (van der Walt & Smith, matplotlib); RdBu is ColorBrewer's diverging map for signed errors.
/** 8-bit sRGB. */
export type Rgb = readonly [number, number, number];

const hex = (s: string): Rgb => [parseInt(s.slice(1, 3), 16), parseInt(s.slice(3, 5), 16), parseInt(s.slice(5, 7), 16)];

const ANCHORS = {
  viridis: ['#440154', '#482576', '#414487', '#35608d', '#2a788e', '#21908c', '#22a884', '#43bf71', '#7ad151', '#bbdf27', '#fde725'],
  magma: ['#000004', '#140e36', '#3b0f70', '#641a80', '#8c2981', '#b73779', '#de4968', '#f7705c', '#fe9f6d', '#fecf92', '#fcfdbf'],
  // Blue for negative, red for positive, white at the centre.
  rdbu: ['#053061', '#2166ac', '#4393c3', '#92c5de', '#d1e5f0', '#f7f7f7', '#fddbc7', '#f4a582', '#d6604d', '#b2182b', '#67001f'],
} as const;

export type ColormapName = keyof typeof ANCHORS;
export type Colormap = (t: number) => Rgb;

export function colormap(name: ColormapName): Colormap {
  const anchors = ANCHORS[name].map(hex);
  const last = anchors.length - 1;
  return (t: number) => {
    if (!Number.isFinite(t)) return [128, 128, 128];
    const u = Math.min(1, Math.max(0, t)) * last;
    const i = Math.min(last - 1, Math.floor(u));
    const f = u - i;
    const a = anchors[i];
    const b = anchors[i + 1];
    return [Math.round(a[0] + f * (b[0] - a[0])), Math.round(a[1] + f * (b[1] - a[1])), Math.round(a[2] + f * (b[2] - a[2]))];
  };
}

/** The map's anchors as [offset in 0..1, colour]: an SVG linearGradient with these stops is the map itself. */
export function colormapStops(name: ColormapName): [number, Rgb][] {
  const last = ANCHORS[name].length - 1;
  return ANCHORS[name].map((h, k) => [k / last, hex(h)]);
}

/** Qualitative colours (matplotlib tab10) for line plots. */
export const TAB10: Rgb[] = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'].map(hex);
