// Line plots as SVG: convergence curves (χ²/M against iteration on a log axis with decade ticks),
// error curves and distributions, reliability diagrams, scaling. Optional dashed series, horizontal
// reference lines (χ²/M = 1, the --max-misfit cut) and a legend in the emptiest corner.
import { TAB10, type Rgb } from './colormap.ts';
import { decadeDomain, linearScale, logScale, niceDomain, type Scale } from './scale.ts';
import { css, el, num, SvgFigure, text, textWidth } from './svg.ts';

export interface Series {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  colour?: Rgb;
  /** Dashed: e.g. members left out of the statistics. */
  dashed?: boolean;
  /** Shown in the legend when any series has one. */
  label?: string;
}

export interface ReferenceLine {
  y: number;
  label: string;
  colour?: Rgb;
}

export interface LinePlotOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Log y axis with whole decades (default true: misfits span decades). */
  logY?: boolean;
  /** Log x axis (default false). */
  logX?: boolean;
  /** Size of the figure, px (SVG user units; 1 px = 0.75 pt). Default 640 x 400. */
  width?: number;
  height?: number;
  references?: ReferenceLine[];
}

/** Margins around the plot box, px: room for tick labels (left, bottom), axis labels and the title. */
export const PLOT_MARGIN = { left: 70, right: 16, top: 14, bottom: 46, title: 26 } as const;
const TICK_FONT = 12;
const LABEL_FONT = 13;
const TITLE_FONT = 15;
const REFERENCE_GREY: Rgb = [120, 120, 120];

/** Where the plot box lies in the figure, px. */
export interface PlotBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function plotBox(width: number, height: number, titled: boolean): PlotBox {
  const top = PLOT_MARGIN.top + (titled ? PLOT_MARGIN.title : 0);
  return { x: PLOT_MARGIN.left, y: top, width: width - PLOT_MARGIN.left - PLOT_MARGIN.right, height: height - top - PLOT_MARGIN.bottom };
}

/** The x and y scales of a plot: data extent widened to whole ticks (decades on log axes). */
export function plotScales(series: Series[], opts: LinePlotOptions, box: PlotBox): { sx: Scale; sy: Scale } {
  const logY = opts.logY ?? true;
  const logX = opts.logX ?? false;
  const ok = (v: number, log: boolean) => Number.isFinite(v) && (!log || v > 0);
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  // Whole-number x (iterations, members): no ticks between them.
  let integerX = true;
  for (const s of series) {
    for (let i = 0; i < s.x.length; i++) {
      if (!ok(s.x[i], logX) || !ok(s.y[i], logY)) continue;
      integerX &&= Number.isInteger(s.x[i]);
      [x0, x1] = [Math.min(x0, s.x[i]), Math.max(x1, s.x[i])];
      [y0, y1] = [Math.min(y0, s.y[i]), Math.max(y1, s.y[i])];
    }
  }
  for (const r of opts.references ?? []) if (ok(r.y, logY)) [y0, y1] = [Math.min(y0, r.y), Math.max(y1, r.y)];
  const axis = (lo: number, hi: number, log: boolean, minStep = 0): [number, number] => {
    if (!(hi >= lo)) return log ? [1, 10] : [0, 1];
    return log ? decadeDomain(lo, hi) : niceDomain(lo, hi, 5, minStep);
  };
  const xStep = integerX ? 1 : 0;
  const [dx0, dx1] = axis(x0, x1, logX, xStep);
  const [dy0, dy1] = axis(y0, y1, logY);
  const right = box.x + box.width;
  const bottom = box.y + box.height;
  return {
    sx: logX ? logScale(dx0, dx1, box.x, right) : linearScale(dx0, dx1, box.x, right, 5, xStep),
    sy: logY ? logScale(dy0, dy1, bottom, box.y) : linearScale(dy0, dy1, bottom, box.y),
  };
}

/** Runs of consecutive plottable points of a series, in px: one polyline each. */
export function seriesRuns(s: Series, sx: Scale, sy: Scale): [number, number][][] {
  const ok = (v: number, scale: Scale) => Number.isFinite(v) && (!scale.log || v > 0);
  const runs: [number, number][][] = [];
  let run: [number, number][] = [];
  for (let i = 0; i < s.x.length; i++) {
    if (ok(s.x[i], sx) && ok(s.y[i], sy)) {
      run.push([sx(s.x[i]), sy(s.y[i])]);
    } else if (run.length > 0) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

function axes(box: PlotBox, sx: Scale, sy: Scale): string[] {
  const out: string[] = [];
  const bottom = box.y + box.height;
  const right = box.x + box.width;
  for (const v of sy.ticks()) {
    const y = sy(v);
    out.push(el('line', { x1: box.x, y1: y, x2: right, y2: y, stroke: '#e4e4e4', 'stroke-width': 0.8 }));
    out.push(el('line', { x1: box.x - 5, y1: y, x2: box.x, y2: y, stroke: '#000' }));
    out.push(text(box.x - 8, y, sy.format(v), { anchor: 'end', middle: true, size: TICK_FONT }));
  }
  for (const v of sy.minorTicks()) out.push(el('line', { x1: box.x - 3, y1: sy(v), x2: box.x, y2: sy(v), stroke: '#000', 'stroke-width': 0.6 }));
  for (const v of sx.ticks()) {
    const x = sx(v);
    out.push(el('line', { x1: x, y1: bottom, x2: x, y2: bottom + 5, stroke: '#000' }));
    out.push(text(x, bottom + 18, sx.format(v), { anchor: 'middle', size: TICK_FONT }));
  }
  for (const v of sx.minorTicks()) out.push(el('line', { x1: sx(v), y1: bottom, x2: sx(v), y2: bottom + 3, stroke: '#000', 'stroke-width': 0.6 }));
  return out;
}

/** The legend's corner: the one whose box covers the fewest points of the curves (their vertices and
 *  points every ~4 px along each segment; ties: top right first). */
function legendCorner(box: PlotBox, w: number, h: number, runs: [number, number][][]): { x: number; y: number } {
  const points = runs.flatMap((run) => run.flatMap(([x, y], k) => {
    if (k === 0) return [[x, y]];
    const [px, py] = run[k - 1];
    const n = Math.ceil(Math.hypot(x - px, y - py) / 4);
    return Array.from({ length: n }, (_, j) => [px + ((x - px) * (j + 1)) / n, py + ((y - py) * (j + 1)) / n]);
  }));
  const pad = 8;
  const corners = [
    { x: box.x + box.width - pad - w, y: box.y + pad },
    { x: box.x + pad, y: box.y + pad },
    { x: box.x + box.width - pad - w, y: box.y + box.height - pad - h },
    { x: box.x + pad, y: box.y + box.height - pad - h },
  ];
  const inside = (c: { x: number; y: number }) => points.filter(([x, y]) => x >= c.x && x <= c.x + w && y >= c.y && y <= c.y + h).length;
  return corners.map((c) => ({ c, n: inside(c) })).reduce((a, b) => (b.n < a.n ? b : a)).c;
}

export function renderLinePlot(series: Series[], opts: LinePlotOptions = {}): SvgFigure {
  const width = opts.width ?? 640;
  const height = opts.height ?? 400;
  const box = plotBox(width, height, Boolean(opts.title));
  const { sx, sy } = plotScales(series, opts, box);
  const colourOf = (s: Series, k: number) => s.colour ?? TAB10[k % TAB10.length];
  const out: string[] = [];
  if (opts.title) out.push(text(box.x, PLOT_MARGIN.top + 14, opts.title, { size: TITLE_FONT, weight: 'bold' }));
  out.push(...axes(box, sx, sy));
  if (opts.xLabel) out.push(text(box.x + box.width / 2, height - 8, opts.xLabel, { anchor: 'middle', size: LABEL_FONT }));
  if (opts.yLabel) out.push(text(16, box.y + box.height / 2, opts.yLabel, { anchor: 'middle', size: LABEL_FONT, rotate: -90 }));

  // Curves, clipped to the plot box; then reference lines on top so they stay visible.
  const curves: string[] = [];
  const drawn: [number, number][][] = [];
  series.forEach((s, k) => {
    const stroke = css(colourOf(s, k));
    for (const run of seriesRuns(s, sx, sy)) {
      drawn.push(run);
      // A lone point (a member that stopped after one iteration) would be an invisible polyline.
      curves.push(run.length === 1
        ? el('circle', { cx: run[0][0], cy: run[0][1], r: 1.5, fill: stroke })
        : el('polyline', { points: run.map(([x, y]) => `${num(x)},${num(y)}`).join(' '), fill: 'none', stroke, 'stroke-width': 1.5,
          'stroke-linejoin': 'round', 'stroke-dasharray': s.dashed ? '5 3' : undefined }));
    }
  });
  out.push(el('g', { 'clip-path': 'url(#plot-area)' }, curves.join('\n')));
  for (const ref of opts.references ?? []) {
    if (!(Number.isFinite(ref.y) && (!sy.log || ref.y > 0))) continue;
    const y = sy(ref.y);
    const stroke = css(ref.colour ?? REFERENCE_GREY);
    out.push(el('line', { x1: box.x, y1: y, x2: box.x + box.width, y2: y, stroke, 'stroke-dasharray': '6 4' }));
    // On a white box (its width estimated), legible over the curves.
    const w = textWidth(ref.label, TICK_FONT) + 4;
    out.push(el('rect', { x: box.x + box.width - 6 - w, y: y - 4 - TICK_FONT, width: w, height: TICK_FONT + 3, fill: '#fff', 'fill-opacity': 0.85 }));
    out.push(text(box.x + box.width - 6, y - 4, ref.label, { anchor: 'end', size: TICK_FONT, fill: stroke }));
  }
  out.push(el('rect', { x: box.x, y: box.y, width: box.width, height: box.height, fill: 'none', stroke: '#000' }));

  const labelled = series.map((s, k) => ({ s, stroke: css(colourOf(s, k)) })).filter(({ s }) => s.label);
  if (labelled.length > 0) {
    const rowH = 17;
    const w = 40 + Math.max(...labelled.map(({ s }) => textWidth(s.label!, TICK_FONT)));
    const h = labelled.length * rowH + 8;
    const at = legendCorner(box, w, h, drawn);
    const rows = labelled.map(({ s, stroke }, k) => {
      const y = at.y + 4 + rowH * (k + 0.5);
      return el('line', { x1: at.x + 6, y1: y, x2: at.x + 30, y2: y, stroke, 'stroke-width': 1.5, 'stroke-dasharray': s.dashed ? '5 3' : undefined }) +
        text(at.x + 36, y, s.label!, { middle: true, size: TICK_FONT });
    });
    out.push(el('g', { class: 'legend' }, [el('rect', { x: at.x, y: at.y, width: w, height: h, fill: '#fff', 'fill-opacity': 0.9, stroke: '#aaa' }), ...rows].join('')));
  }
  const clip = el('clipPath', { id: 'plot-area' }, el('rect', { x: box.x, y: box.y, width: box.width, height: box.height }));
  return new SvgFigure(width, height, out.join('\n'), clip);
}
