// Axis scales and their ticks: round steps (1, 2, 5 × 10^k) on linear axes, whole decades on log
// axes, and tick labels in print typography (a real minus sign, 1.2×10⁻³).

/** The round step (1, 2, 5 × 10^k, at least `minStep`, itself round, e.g. 1) nearest to cutting [lo, hi] into `count` parts:
 *  the mantissa switches at the geometric midpoints √2, √10, √50 (as d3-array's tickIncrement). */
export function tickStep(lo: number, hi: number, count = 5, minStep = 0): number {
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const m = raw / mag;
  const step = mag * (m >= Math.sqrt(50) ? 10 : m >= Math.sqrt(10) ? 5 : m >= Math.SQRT2 ? 2 : 1);
  return Math.max(step, minStep);
}

/** About `count` round steps covering [lo, hi], all inside it. */
export function niceTicks(lo: number, hi: number, count = 5, minStep = 0): number[] {
  if (!(hi > lo)) return [lo];
  const step = tickStep(lo, hi, count, minStep);
  const out: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + 1e-9 * step; k++) out.push(Number((k * step).toPrecision(12)));
  return out;
}

/** [lo, hi] widened to whole tick steps, as d3's scale.nice(). */
export function niceDomain(lo: number, hi: number, count = 5, minStep = 0): [number, number] {
  if (!(hi > lo)) return [lo - 0.5, lo + 0.5];
  const step = tickStep(lo, hi, count, minStep);
  return [Number((Math.floor(lo / step + 1e-9) * step).toPrecision(12)), Number((Math.ceil(hi / step - 1e-9) * step).toPrecision(12))];
}

export interface Scale {
  /** Data to px. */
  (v: number): number;
  readonly domain: readonly [number, number];
  readonly log: boolean;
  /** Labelled ticks: round steps, or every decade on a log scale. */
  ticks(): number[];
  /** Unlabelled ticks: 2..9 × 10^k between decades on a log scale; none on a linear one. */
  minorTicks(): number[];
  format(v: number): string;
}

/** Linear map of [d0, d1] onto [r0, r1] (r1 < r0 for a y axis, px grow downwards); ticks at least `minStep` apart (1: whole numbers). */
export function linearScale(d0: number, d1: number, r0: number, r1: number, count = 5, minStep = 0): Scale {
  const f = (v: number) => r0 + ((v - d0) / (d1 - d0)) * (r1 - r0);
  return Object.assign(f, {
    domain: [d0, d1] as const, log: false,
    ticks: () => niceTicks(d0, d1, count, minStep),
    minorTicks: () => [],
    format: (v: number) => formatTick(v, d1 - d0),
  });
}

/** Base-10 log map of [d0, d1] (both > 0) onto [r0, r1]. */
export function logScale(d0: number, d1: number, r0: number, r1: number): Scale {
  const l0 = Math.log10(d0);
  const l1 = Math.log10(d1);
  const f = (v: number) => r0 + ((Math.log10(v) - l0) / (l1 - l0)) * (r1 - r0);
  const decades = () => {
    const out: number[] = [];
    for (let e = Math.ceil(l0 - 1e-9); e <= l1 + 1e-9; e++) out.push(e);
    return out;
  };
  return Object.assign(f, {
    domain: [d0, d1] as const, log: true,
    ticks: () => decades().map((e) => 10 ** e),
    minorTicks: () => decades().flatMap((e) => [2, 3, 4, 5, 6, 7, 8, 9].map((m) => m * 10 ** e)).filter((v) => v <= d1 * (1 + 1e-9)),
    format: (v: number) => `10${superscript(Math.round(Math.log10(v)))}`,
  });
}

/** Whole decades enclosing the positive part of [lo, hi]: the domain of a log axis. */
export function decadeDomain(lo: number, hi: number): [number, number] {
  const a = Math.floor(Math.log10(lo) + 1e-9);
  const b = Math.max(a + 1, Math.ceil(Math.log10(hi) - 1e-9));
  return [10 ** a, 10 ** b];
}

const SUPERSCRIPT: Record<string, string> = {
  '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹', '-': '⁻',
};

/** An integer in Unicode superscript digits: superscript(-3) = '⁻³'. */
export function superscript(n: number): string {
  return [...String(n)].map((c) => SUPERSCRIPT[c]).join('');
}

/** Typographic minus (U+2212) for a leading '-'. */
const minus = (s: string) => s.replace(/^-/, '−');

/** Compact tick label: 3 significant digits, 1.2×10⁻³ outside [1e-2, 1e4). With the axis `span`,
 *  values are first rounded to span/1000 so that a tick at 2e-5 on a [-1.3, 1.3] bar reads 0. */
export function formatTick(v: number, span?: number): string {
  if (span !== undefined && span > 0 && Number.isFinite(v)) {
    const q = 10 ** (Math.floor(Math.log10(span)) - 3);
    v = Math.round(v / q) * q;
  }
  if (v === 0) return '0';
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a < 1e-2 || a >= 1e4) {
    const [m, e] = v.toExponential(1).split('e');
    const mantissa = m.replace(/\.0$/, '');
    return minus(`${mantissa === '1' || mantissa === '-1' ? mantissa.replace('1', '') : `${mantissa}×`}10${superscript(Number(e))}`);
  }
  return minus(String(Number(v.toPrecision(3))));
}
