// The figures of docs/results, as SVG: convergence per method, error distributions across starts,
// truth/mean/std panels, and the reliability diagram of the calibration study. Each reads the runs
// themselves (member records), so every figure is regenerated from the study's outputs.
import { readCase } from '@ldinv/fields';
import { intervalCoverage } from '@ldinv/optim';
import { renderLinePlot, renderMosaic, RunStore, type DoneMember, type Series } from '@ldinv/runs';

export interface RunGroup {
  label: string;
  runDirs: string[];
}

function doneMembers(dir: string): DoneMember[] {
  return RunStore.open(dir, { writable: false }).readAllMembers().filter((r): r is DoneMember => r.status === 'done');
}

/**
 * Median over every member of the group of one history curve at each iteration: a member that
 * stopped keeps its last value, and a NaN entry (an iteration where the method did not form ln K)
 * repeats the member's previous value. Null when no member has the curve.
 */
function medianCurve(members: DoneMember[], pick: (m: DoneMember) => Float64Array | undefined): Series | null {
  const curves = members.map(pick).filter((c): c is Float64Array => c !== undefined && c.length > 0);
  if (curves.length === 0) return null;
  const length = Math.max(...curves.map((c) => c.length));
  const filled = curves.map((c) => {
    const f = new Float64Array(length).fill(Number.NaN);
    let last = Number.NaN;
    for (let k = 0; k < length; k++) f[k] = last = k < c.length && !Number.isNaN(c[k]) ? c[k] : last;
    return f;
  });
  const x: number[] = [];
  const y: number[] = [];
  for (let k = 0; k < length; k++) {
    const column = filled.map((f) => f[k]).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
    if (column.length === 0) continue;
    const mid = column.length >> 1;
    x.push(k);
    y.push(column.length % 2 ? column[mid] : 0.5 * (column[mid - 1] + column[mid]));
  }
  return { x, y };
}

function curveSeries(groups: RunGroup[], pick: (m: DoneMember) => Float64Array | undefined): Series[] {
  return groups.flatMap((g) => {
    const curve = medianCurve(g.runDirs.flatMap(doneMembers), pick);
    return curve ? [{ ...curve, label: g.label }] : [];
  });
}

export function convergenceFigure(title: string, groups: RunGroup[]) {
  return renderLinePlot(curveSeries(groups, (m) => m.history.misfit), {
    title, xLabel: 'iteration', yLabel: 'median χ²/M over all starts', logY: true, references: [{ y: 1, label: 'χ²/M = 1' }],
  });
}

/** Median ln K error of the starts against iteration (runs whose case has a truth), one curve per group. */
export function errorCurveFigure(title: string, groups: RunGroup[]) {
  const series = curveSeries(groups, (m) => m.history.logKError);
  if (series.length === 0) return null;
  return renderLinePlot(series, { title, xLabel: 'iteration', yLabel: 'median relative L₂ error of ln K over all starts', logY: false });
}

/** Empirical distribution functions of the per-start ln K errors, one curve per method. */
export function errorDistributionFigure(title: string, groups: { label: string; errors: number[] }[]) {
  const series = groups.map((g) => {
    const e = [...g.errors].sort((a, b) => a - b);
    return { x: e, y: e.map((_, k) => (k + 1) / e.length), label: g.label };
  });
  return renderLinePlot(series, { title, xLabel: 'relative L₂ error of ln K of a start', yLabel: 'fraction of starts', logY: false });
}

/** Truth and each method's ensemble mean on one colour range; each method's ensemble std on another. */
export function panelFigures(caseDir: string, groups: { label: string; runDir: string }[]) {
  const c = readCase(caseDir);
  const { nx, ny } = c.grid;
  const stats = groups.map((g) => {
    const fields = doneMembers(g.runDir).map((m) => m.logK);
    const mean = new Float64Array(nx * ny);
    const std = new Float64Array(nx * ny);
    for (const f of fields) f.forEach((v, i) => (mean[i] += v / fields.length));
    for (const f of fields) f.forEach((v, i) => (std[i] += (v - mean[i]) ** 2 / Math.max(fields.length - 1, 1)));
    return { label: g.label, mean, std: std.map(Math.sqrt) };
  });
  const truth = c.truthLogK ? [{ label: 'truth', values: c.truthLogK }] : [];
  const sensors = c.observations.filter((o) => o.test === 0).map((o) => ({ x: o.x, y: o.y }));
  return {
    mean: renderMosaic([...truth, ...stats.map((s) => ({ label: `${s.label} mean`, values: s.mean }))], nx, ny, {
      title: 'ln K: truth and ensemble means', barLabel: 'ln K', columns: stats.length + truth.length, sensors,
    }),
    std: renderMosaic(stats.map((s) => ({ label: `${s.label} std`, values: s.std })), nx, ny, {
      title: 'ln K: ensemble standard deviations', barLabel: 'σ ln K', columns: stats.length, colormap: 'magma',
    }),
  };
}

export const NOMINAL_LEVELS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95];

/** Observed coverage of the true ln K by the t interval at each nominal level, averaged over runs. */
export function reliability(runDirs: string[], caseOf: (dir: string) => string): number[] {
  const sums = NOMINAL_LEVELS.map(() => 0);
  for (const dir of runDirs) {
    const truth = readCase(caseOf(dir)).truthLogK;
    if (!truth) throw new Error(`${caseOf(dir)}: the calibration study needs truth_logk.npy`);
    const members = doneMembers(dir).map((m) => m.logK);
    NOMINAL_LEVELS.forEach((level, k) => (sums[k] += intervalCoverage(members, truth, { level, kind: 't' }) / runDirs.length));
  }
  return sums;
}

export function reliabilityFigure(title: string, curves: { label: string; observed: number[] }[]) {
  const series: Series[] = [
    { x: NOMINAL_LEVELS, y: NOMINAL_LEVELS, label: 'calibrated', dashed: true, colour: [120, 120, 120] },
    ...curves.map((c) => ({ x: NOMINAL_LEVELS, y: c.observed, label: c.label })),
  ];
  return renderLinePlot(series, { title, xLabel: 'nominal level of the t interval', yLabel: 'observed coverage of the true ln K', logY: false });
}
