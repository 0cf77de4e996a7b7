// Convergence curves: misfit against iteration for every member, log-scaled y with decade ticks,
// optional horizontal reference lines (χ²/M = 1, the --max-misfit cut).
import { TAB10 } from './colormap.ts';
import { drawText, formatTick, GLYPH_HEIGHT, textWidth } from './font.ts';
import { BLACK, GREY, Raster, type Rgb } from './raster.ts';

export interface Series {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  colour?: Rgb;
  /** Dashed: e.g. members left out of the statistics. */
  dashed?: boolean;
  /** Shown in a legend at the top left of the plot when any series has one. */
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
  logY?: boolean;
  width?: number;
  height?: number;
  references?: ReferenceLine[];
}

const LEFT = 64;
const RIGHT = 16;
const TOP_PAD = 10;
const BOTTOM = 40;

/** About `count` round steps (1, 2, 5 x 10^k) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

export function renderLinePlot(series: Series[], opts: LinePlotOptions = {}): Raster {
  const width = opts.width ?? 640;
  const height = opts.height ?? 400;
  const logY = opts.logY ?? true;
  const titleH = opts.title ? GLYPH_HEIGHT * 2 + 10 : 0;
  const r = new Raster(width, height);
  if (opts.title) drawText(r, opts.title, LEFT, 8, BLACK, 2);
  const px0 = LEFT;
  const py0 = TOP_PAD + titleH;
  const pw = width - LEFT - RIGHT;
  const ph = height - py0 - BOTTOM;
  const ty = (v: number) => (logY ? Math.log10(v) : v);
  let xMin = Infinity, xMax = -Infinity, yMin = Infinity, yMax = -Infinity;
  const usable = (v: number) => Number.isFinite(v) && (!logY || v > 0);
  for (const s of series) {
    for (let i = 0; i < s.x.length; i++) {
      if (!usable(s.y[i])) continue;
      xMin = Math.min(xMin, s.x[i]);
      xMax = Math.max(xMax, s.x[i]);
      yMin = Math.min(yMin, ty(s.y[i]));
      yMax = Math.max(yMax, ty(s.y[i]));
    }
  }
  for (const ref of opts.references ?? []) {
    if (usable(ref.y)) {
      yMin = Math.min(yMin, ty(ref.y));
      yMax = Math.max(yMax, ty(ref.y));
    }
  }
  if (!(xMax >= xMin)) [xMin, xMax] = [0, 1];
  if (!(yMax >= yMin)) [yMin, yMax] = [0, 1];
  if (xMax === xMin) xMax = xMin + 1;
  if (logY) {
    yMin = Math.floor(yMin);
    yMax = Math.max(yMin + 1, Math.ceil(yMax));
  } else if (yMax === yMin) {
    yMax = yMin + 1;
  }
  const sx = (x: number) => px0 + ((x - xMin) / (xMax - xMin)) * (pw - 1);
  const sy = (y: number) => py0 + (1 - (ty(y) - yMin) / (yMax - yMin)) * (ph - 1);

  // Axes, ticks and labels.
  r.strokeRect(px0, py0, pw, ph, BLACK);
  for (const x of niceTicks(xMin, xMax)) {
    const X = sx(x);
    r.line(X, py0 + ph, X, py0 + ph + 3, BLACK);
    const label = formatTick(x);
    drawText(r, label, X - textWidth(label) / 2, py0 + ph + 6, BLACK);
  }
  const yTicks = logY
    ? Array.from({ length: yMax - yMin + 1 }, (_, k) => 10 ** (yMin + k))
    : niceTicks(yMin, yMax);
  for (const y of yTicks) {
    const Y = sy(y);
    r.line(px0 - 4, Y, px0 - 1, Y, BLACK);
    r.line(px0, Y, px0 + pw - 1, Y, [225, 225, 225]);
    const label = logY ? `1e${Math.round(Math.log10(y))}` : formatTick(y);
    drawText(r, label, px0 - 7 - textWidth(label), Y - GLYPH_HEIGHT / 2, BLACK);
  }
  if (opts.xLabel) drawText(r, opts.xLabel, px0 + pw / 2 - textWidth(opts.xLabel) / 2, height - GLYPH_HEIGHT - 6, BLACK);
  if (opts.yLabel) drawText(r, opts.yLabel, 4, py0 - GLYPH_HEIGHT - 2 > 0 ? py0 - GLYPH_HEIGHT - 2 : 2, BLACK);

  // Curves, then reference lines on top so they stay visible.
  series.forEach((s, k) => {
    const colour = s.colour ?? TAB10[k % TAB10.length];
    let prev: [number, number] | null = null;
    for (let i = 0; i < s.x.length; i++) {
      if (!usable(s.y[i])) {
        prev = null;
        continue;
      }
      const p: [number, number] = [sx(s.x[i]), sy(s.y[i])];
      if (prev) r.line(prev[0], prev[1], p[0], p[1], colour, { dash: s.dashed ? 3 : 0 });
      else r.set(p[0], p[1], colour);
      prev = p;
    }
  });
  for (const ref of opts.references ?? []) {
    if (!usable(ref.y)) continue;
    const Y = sy(ref.y);
    r.line(px0, Y, px0 + pw - 1, Y, ref.colour ?? GREY, { dash: 5 });
    drawText(r, ref.label, px0 + pw - 4 - textWidth(ref.label), Y - GLYPH_HEIGHT - 2, ref.colour ?? GREY);
  }
  const labelled = series.map((s, k) => ({ s, colour: s.colour ?? TAB10[k % TAB10.length] })).filter(({ s }) => s.label);
  if (labelled.length > 0) {
    const boxW = 26 + Math.max(...labelled.map(({ s }) => textWidth(s.label!)));
    const rowH = GLYPH_HEIGHT + 5;
    r.fillRect(px0 + 6, py0 + 6, boxW, labelled.length * rowH + 6, [255, 255, 255]);
    r.strokeRect(px0 + 6, py0 + 6, boxW, labelled.length * rowH + 6, GREY);
    labelled.forEach(({ s, colour }, k) => {
      const Y = py0 + 12 + k * rowH + GLYPH_HEIGHT / 2;
      r.line(px0 + 10, Y, px0 + 24, Y, colour, { dash: s.dashed ? 3 : 0 });
      drawText(r, s.label!, px0 + 28, Y - GLYPH_HEIGHT / 2, BLACK);
    });
  }
  return r;
}
