// The figures of a run, as SVG: truth, mean, std and error of ln K, a mosaic of members, head maps per
// test, and the convergence curves of all members. Sensors are overlaid and every map has a colour bar;
// a site's maps are in its coordinates with inactive cells blank and each test's pumping wells marked.
import type { AggregateResult } from '../aggregate/ensemble.ts';
import type { ReliabilityBin } from '../aggregate/robustness.ts';
import { fieldRange, renderFieldMap, type FieldRange, type MapGeometry, type Point } from '../figures/field-map.ts';
import { renderLinePlot } from '../figures/line-plot.ts';
import { renderMosaic } from '../figures/mosaic.ts';
import type { Rgb } from '../figures/colormap.ts';
import type { DoneMember, MemberRecord } from '../run-store/member-record.ts';

export interface Figure {
  /** File name under figures/ (.svg). */
  file: string;
  caption: string;
  /** The SVG document. */
  svg: string;
}

export interface FigureCase {
  observations: readonly { x: number; y: number; test: number }[];
  tests: number;
  truthLogK?: Float64Array;
  /** A site's rectangle, length unit and active cells. */
  geometry?: MapGeometry;
  /** wells[t]: pumping wells of test t. */
  wells?: readonly Point[][];
  testNames?: readonly string[];
}

const MAX_MOSAIC = 64;
const EXCLUDED: Rgb = [170, 170, 170];
const DIAGONAL: Rgb = [120, 120, 120];

/** Observed frequency against mean predicted probability per non-empty bin, over the diagonal of a reliable map. */
function reliabilityPlot(bins: readonly ReliabilityBin[], threshold: number) {
  const filled = bins.filter((b) => b.cells > 0);
  return renderLinePlot(
    [
      { x: filled.map((b) => b.predicted!), y: filled.map((b) => b.observed!), label: 'observed, per bin' },
      { x: [0, 1], y: [0, 1], colour: DIAGONAL, dashed: true, label: 'reliable (diagonal)' },
    ],
    { title: `reliability of P(ln K > ${threshold.toPrecision(3)})`, xLabel: 'predicted probability', yLabel: 'observed frequency', logY: false, width: 440, height: 400 },
  );
}

function union(ranges: FieldRange[]): FieldRange {
  return { min: Math.min(...ranges.map((r) => r.min)), max: Math.max(...ranges.map((r) => r.max)) };
}

export function runFigures(result: AggregateResult, records: readonly MemberRecord[], c: FigureCase, maxMisfit: number): Figure[] {
  const { nx, ny } = result.grid;
  const out: Figure[] = [];
  const add = (file: string, caption: string, figure: { toSvg(): string }) => out.push({ file, caption, svg: figure.toSvg() });
  const sensors: Point[] = c.observations.map((o) => ({ x: o.x, y: o.y }));
  const sensorsOf = (t: number) => c.observations.filter((o) => o.test === t).map((o) => ({ x: o.x, y: o.y }));
  const { geometry } = c;
  const active = geometry?.active;
  const testName = (t: number) => (c.testNames ? `test ${t} (${c.testNames[t]})` : `test ${t}`);
  const wellsOf = (t: number) => (c.wells?.[t]?.length ? { wells: [...c.wells[t]] } : {});
  const done = records.filter((r): r is DoneMember => r.status === 'done').sort((a, b) => a.index - b.index);
  const included = new Set(result.included);
  // One ln K range for truth, mean and members, so equal colours mean equal values across maps.
  const ranges = [...done.filter((m) => included.has(m.index)).map((m) => fieldRange(m.logK, false, active))];
  if (c.truthLogK) ranges.push(fieldRange(c.truthLogK, false, active));
  const logKRange = ranges.length > 0 ? union(ranges) : undefined;

  if (c.truthLogK) {
    add('logk_truth.svg', 'True ln K with the sensor positions.',
      renderFieldMap(c.truthLogK, nx, ny, { title: 'true ln K', barLabel: 'ln K', range: logKRange, sensors, geometry }));
  }
  if (result.logK) {
    const n = result.chains ? result.chains.chains * result.chains.samplesPerChain : result.included.length;
    const over = result.chains ? `the ${n} pooled samples of the ${result.included.length} included chains` : `the ${n} included members`;
    add('logk_mean.svg', `Ensemble mean of ln K over ${over}.`,
      renderFieldMap(result.logK.mean, nx, ny, { title: `mean ln K (n = ${n})`, barLabel: 'ln K', range: logKRange, sensors, geometry }));
    add('logk_std.svg', 'Ensemble standard deviation of ln K (sample, n-1).',
      renderFieldMap(result.logK.std, nx, ny, { title: 'σ of ln K', barLabel: 'σ ln K', colormap: 'magma', sensors, geometry }));
    if (c.truthLogK) {
      const err = result.logK.mean.map((v, i) => v - c.truthLogK![i]);
      add('logk_error.svg', 'Error of the ensemble mean: mean ln K minus true ln K.',
        renderFieldMap(err, nx, ny, { title: 'mean − truth ln K', barLabel: 'Δ ln K', colormap: 'rdbu', sensors, geometry }));
    }
    const r = result.robustness;
    if (r?.probability && r.threshold) {
      add('logk_above_threshold.svg', `Share of the ${result.chains ? 'pooled samples' : 'members'} whose ln K exceeds ${r.threshold.value.toPrecision(4)} (${r.threshold.source}).`,
        renderFieldMap(r.probability, nx, ny, { title: `P(ln K > ${r.threshold.value.toPrecision(3)})`, barLabel: 'probability', range: { min: 0, max: 1 }, sensors, geometry }));
      if (r.reliability) {
        add('reliability.svg', 'Reliability diagram of the probability map: per bin of predicted probability, the share of its cells whose true ln K exceeds the threshold.',
          reliabilityPlot(r.reliability.bins, r.threshold.value));
      }
    }
    const chains = result.chains;
    if (chains?.rHatMap) {
      add('logk_rhat.svg', `Rank-normalised split-R̂ of ln K per cell over the ${chains.chains} chains (Stan's target ≤ 1.01; above 1.1 the chains clearly disagree).`,
        renderFieldMap(chains.rHatMap, nx, ny, { title: 'R̂ of ln K', barLabel: 'R̂', colormap: 'magma', sensors, geometry }));
    }
    if (r && r.modes.modes.length > 1) {
      add('logk_modes.svg', `Mean ln K of each mode of the members (${r.modes.rule}); weight = share of the ${result.chains ? 'pooled samples' : 'members'}.`,
        renderMosaic(
          r.modes.modes.map((m, k) => ({ values: m.meanLogK, label: `mode ${k + 1}: ${m.members.length} (${Math.round(100 * m.weight)} %)` })),
          nx, ny, { title: 'modes: mean ln K', barLabel: 'ln K', range: logKRange, sensors, geometry, columns: r.modes.modes.length },
        ));
    }
    for (let t = 0; t < c.tests; t++) {
      const marks = { sensors: sensorsOf(t), geometry, ...wellsOf(t) };
      const wellsNote = c.wells?.[t]?.length ? ' and pumping wells (red)' : '';
      add(`head_t${t}_mean.svg`, `Ensemble mean head of ${testName(t)} with its sensors${wellsNote}.`,
        renderFieldMap(result.heads![t].mean, nx, ny, { title: `mean h, ${testName(t)}`, barLabel: 'h', ...marks }));
      add(`head_t${t}_std.svg`, `Ensemble standard deviation of the head of ${testName(t)}.`,
        renderFieldMap(result.heads![t].std, nx, ny, { title: `σ of h, ${testName(t)}`, barLabel: 'σ h', colormap: 'magma', ...marks }));
    }
  }
  if (done.length > 0) {
    const shown = done.slice(0, MAX_MOSAIC);
    const more = done.length > shown.length ? ` (first ${shown.length} of ${done.length})` : '';
    add('logk_members.svg', `ln K of each finished member${more}; "out" marks members above --max-misfit.`,
      renderMosaic(
        shown.map((m) => ({ values: m.logK, label: `#${m.index}${included.has(m.index) ? '' : ' out'}` })),
        nx, ny, { title: 'members ln K', barLabel: 'ln K', range: logKRange, sensors, geometry },
      ));
    add('convergence.svg', `χ²/M against iteration for every finished member; dashed grey: left out (χ²/M > ${maxMisfit}).`,
      renderLinePlot(
        done.map((m) => ({
          x: m.history.iteration, y: m.history.misfit,
          ...(included.has(m.index) ? {} : { colour: EXCLUDED, dashed: true }),
        })),
        {
          title: 'convergence', xLabel: 'iteration', yLabel: 'χ²/M', logY: true,
          references: [{ y: 1, label: 'χ²/M = 1 (noise level)' }, ...(Number.isFinite(maxMisfit) ? [{ y: maxMisfit, label: `--max-misfit ${maxMisfit}`, colour: [200, 0, 0] as Rgb }] : [])],
        },
      ));
    const chained = done.filter((m) => m.chain);
    if (chained.length > 0) {
      const traces = chained.map((m) => {
        const from = m.chain!.from;
        return {
          x: Array.from(m.history.iteration.subarray(from), (k) => k - from), y: m.history.misfit.subarray(from),
          ...(included.has(m.index) ? {} : { colour: EXCLUDED, dashed: true }),
        };
      });
      const values = traces.flatMap((t) => Array.from(t.y)).filter((v) => v > 0 && Number.isFinite(v));
      const burnIn = chained[0].chain!.burnIn;
      add('chain_traces.svg', 'Trace of χ²/M along each chain after its descent, burn-in included (dashed grey vertical: its end); dashed grey curves: chains left out.',
        renderLinePlot(
          [...traces, { x: [burnIn, burnIn], y: [Math.min(...values), Math.max(...values)], colour: DIAGONAL, dashed: true, label: 'end of burn-in' }],
          { title: 'chain traces', xLabel: 'chain step', yLabel: 'χ²/M', logY: true, references: [{ y: 1, label: 'χ²/M = 1 (noise level)' }] },
        ));
    }
    const traced = done.filter((m) => m.history.logKError);
    if (traced.length > 0) {
      add('logk_error_curves.svg', 'Relative L₂ error of ln K against the true field, per iteration, for every finished member (the case has a truth); dashed grey: left out.',
        renderLinePlot(
          traced.map((m) => {
            const error = m.history.logKError!;
            // NaN: an iteration where the method did not form ln K (pinn traces every few iterations).
            const kept = [...error.keys()].filter((k) => Number.isFinite(error[k]));
            return {
              x: kept.map((k) => m.history.iteration[k]), y: kept.map((k) => error[k]),
              ...(included.has(m.index) ? {} : { colour: EXCLUDED, dashed: true }),
            };
          }),
          { title: 'ln K error', xLabel: 'iteration', yLabel: 'relative L₂ error of ln K', logY: false },
        ));
    }
  }
  return out;
}
