// report.html: one self-contained file (SVG figures inline as data URIs, no scripts, no external links)
// with the figures, the member table, the metrics and the configuration.
import { BUDGET_LABELS, BUDGET_TERMS, type WaterBudget } from '@ldinv/solver';
import type { AggregateResult, FieldMetrics, MemberRow } from '../aggregate/ensemble.ts';
import { RELIABILITY_MIN_SHARE, RELIABILITY_TOLERANCE, type Reliability } from '../aggregate/robustness.ts';
import { ESS_MIN, MIXED_MAX_SHARE, RHAT_LOOSE, RHAT_STRICT } from '../aggregate/chains.ts';
import type { RunManifest } from '../run-store/run-manifest.ts';
import type { Figure } from './run-figures.ts';

export const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A table with a header row; cells are text (escaped here). */
export function htmlTable(id: string, head: readonly string[], rows: readonly (readonly string[])[]): string {
  const row = (cells: readonly string[], tag: 'th' | 'td') => `<tr>${cells.map((c) => `<${tag}>${escapeHtml(c)}</${tag}>`).join('')}</tr>`;
  return `<table id="${id}"><thead>${row(head, 'th')}</thead><tbody>${rows.map((r) => row(r, 'td')).join('')}</tbody></table>`;
}

export function fmt(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined) return '–';
  if (!Number.isFinite(v) || v === 0) return String(v);
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? String(Number(v.toPrecision(digits))) : v.toExponential(digits - 1);
}

const METRIC_COLUMNS: [keyof FieldMetrics, string][] = [
  ['relL2LogK', 'rel. L2 ln K'], ['relL2K', 'rel. L2 K'], ['relL2Heads', 'rel. L2 h'], ['ssimLogK', 'SSIM ln K'],
  ['misclassified', 'misclassified'], ['chi2', 'χ²/M'],
];

function memberTable(rows: MemberRow[], withMetrics: boolean): string {
  // Latent methods only: the final prior weight, and where ldim's refine stage took over.
  const latent = rows.some((r) => r.priorWeight !== null);
  const head = ['member', 'seed', 'status', 'χ²/M', 'regulariser', 'iterations', 'stop', ...(latent ? ['final λ', 'refined from'] : []), 'attempts', 'wall s', 'worker',
    ...(withMetrics ? METRIC_COLUMNS.filter(([k]) => k !== 'chi2').map(([, l]) => l) : []), 'error'];
  const body = rows.map((r) => {
    const cells = [String(r.index), String(r.seed), r.status, fmt(r.misfit), fmt(r.regulariser), r.iterations === null ? '–' : String(r.iterations),
      r.stopReason ?? '–', ...(latent ? [fmt(r.priorWeight), r.refineFrom === null ? '–' : String(r.refineFrom)] : []),
      String(r.attempts), r.wallMs === null ? '–' : (r.wallMs / 1000).toFixed(2), r.worker ?? '–',
      ...(withMetrics ? METRIC_COLUMNS.filter(([k]) => k !== 'chi2').map(([k]) => fmt(r.metrics?.[k])) : []), r.error ?? ''];
    return `<tr class="${r.status}" data-member="${r.index}">${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`;
  });
  return `<table id="members"><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>\n<tbody>\n${body.join('\n')}\n</tbody></table>`;
}

function metricsTable(result: AggregateResult): string {
  const m = result.metrics;
  if (!m) return '<p>No truth in the case (or no member included): field metrics are not available.</p>';
  const rows: [string, string][] = METRIC_COLUMNS.map(([k, label]) => [`ensemble mean: ${label}`, fmt(m.mean[k])]);
  if (m.coverage90LogK) rows.push(['90 % coverage of true ln K (5–95 % range / t interval)', `${fmt(m.coverage90LogK.empirical)} / ${fmt(m.coverage90LogK.t)}`]);
  if (m.coverage90Heads) rows.push(['90 % coverage of true h (5–95 % range / t interval)', `${fmt(m.coverage90Heads.empirical)} / ${fmt(m.coverage90Heads.t)}`]);
  if (m.spreadSkillLogK) rows.push(['ln K spread / skill (RMSE) / ratio', `${fmt(m.spreadSkillLogK.spread)} / ${fmt(m.spreadSkillLogK.skill)} / ${fmt(m.spreadSkillLogK.ratio)}`]);
  if (m.spreadSkillHeads) rows.push(['h spread / skill (RMSE) / ratio', `${fmt(m.spreadSkillHeads.spread)} / ${fmt(m.spreadSkillHeads.skill)} / ${fmt(m.spreadSkillHeads.ratio)}`]);
  return `<table id="metrics"><tbody>${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</tbody></table>`;
}

export interface ReportInput {
  manifest: RunManifest;
  result: AggregateResult;
  figures: Figure[];
  maxMisfit: number;
  /** Members without a record (a sharded run aggregated before every shard finished). */
  missing?: number[];
  /** Water budget of the ensemble-mean field, one per test, and the unit of its rates. */
  budgets?: { test: string; budget: WaterBudget }[];
  rateUnit?: string;
}

/** The reliability diagram's bins (reliability.svg draws them) and issue 19's verdict on the judged ones. */
function reliabilitySection(rel: Reliability): string {
  const judged = new Set(rel.judged);
  const rows = rel.bins.filter((b) => b.cells > 0).map((b) => [
    `${fmt(b.lo, 2)}–${fmt(b.hi, 2)}`, String(b.cells), fmt(b.share, 3), fmt(b.predicted, 3), fmt(b.observed, 3),
    judged.has(rel.bins.indexOf(b)) ? fmt(Math.abs(b.observed! - b.predicted!), 3) : 'too few cells',
  ]);
  const verdict = rel.reliable ? 'within' : 'outside';
  return `<p>Reliability of the probability map (cells binned by predicted probability; bins holding ≥ ${fmt(100 * RELIABILITY_MIN_SHARE)} % of the cells judged):
largest |observed − predicted| ${escapeHtml(fmt(rel.maxGap, 3))}, ${verdict} ±${fmt(RELIABILITY_TOLERANCE)} of the diagonal.</p>
${htmlTable('reliability', ['predicted P', 'cells', 'share', 'mean predicted', 'observed frequency', '|observed − predicted|'], rows)}`;
}

/** The modes of the members, the probability map's threshold and scores. */
function robustnessSection(result: AggregateResult): string {
  const r = result.robustness;
  if (!r) return '';
  const { modes } = r.modes;
  const head = ['mode', 'members', 'weight', 'medoid', 'mean χ²/M of its members', 'error of its mean ln K'];
  const body = modes.map((m, k) => [String(k + 1), String(m.members.length), fmt(m.weight, 3), `#${m.medoid}`, fmt(m.meanMisfit), fmt(r.modeErrors[k])]);
  const table = htmlTable('modes', head, body);
  const lines = [
    `<p>Modes: ${escapeHtml(r.modes.rule)}${r.modes.silhouette === null ? '' : `; mean silhouette ${fmt(r.modes.silhouette, 3)}`}.</p>`,
    ...(modes.length > 1
      ? [`<p class="warn">The members fall into ${modes.length} modes: the ensemble mean averages them and may resemble none; look at each mode's mean (logk_modes.svg) and weight.</p>`]
      : []),
    table,
  ];
  if (r.threshold) {
    lines.push(`<p>Probability map: share of the members with ln K &gt; ${escapeHtml(fmt(r.threshold.value))} (${escapeHtml(r.threshold.source)})${
      r.brier === null ? '' : `; Brier score against the truth ${escapeHtml(fmt(r.brier, 3))}${r.brierSkill === null ? '' : `, skill against the prior's volume fraction ${escapeHtml(fmt(r.brierSkill, 3))}`}`}.</p>`);
  }
  if (r.reliability) lines.push(reliabilitySection(r.reliability));
  if (r.errorCv !== null) lines.push(`<p>Spread of the members' ln K errors: coefficient of variation ${escapeHtml(fmt(r.errorCv, 3))}.</p>`);
  return `<h2>Robustness</h2>\n${lines.join('\n')}`;
}

/** Mode mcmc: the chains' diagnostics, and a warning when they have not mixed. */
function chainsSection(result: AggregateResult): string {
  const ch = result.chains;
  if (!ch) return '';
  const lines = [
    `<p>${ch.chains} chains in the statistics, ${ch.samplesPerChain} kept samples each (burn-in ${ch.burnIn} steps, every ${ch.thin}th state kept after it); the ensemble statistics pool all ${ch.chains * ch.samplesPerChain} samples.</p>`,
  ];
  if (ch.warning) lines.push(`<p class="warn">${escapeHtml(ch.warning)}.</p>`);
  if (ch.logK && ch.misfit) {
    lines.push(htmlTable('chain-diagnostics', ['quantity', 'R̂ median', 'R̂ max', 'share R̂ > 1.01', 'share R̂ > 1.1', 'bulk ESS median / min', 'tail ESS median / min', `share ESS < ${ESS_MIN}`], [
      ['ln K per cell', fmt(ch.logK.rHatMedian, 3), fmt(ch.logK.rHatMax, 3), fmt(ch.logK.shareAbove101, 3), fmt(ch.logK.shareAbove110, 3),
        `${fmt(ch.logK.essMedian, 1)} / ${fmt(ch.logK.essMin, 1)}`, `${fmt(ch.logK.essTailMedian, 1)} / ${fmt(ch.logK.essTailMin, 1)}`, fmt(ch.logK.shareEssBelow, 3)],
      ['χ²/M', fmt(ch.misfit.rHat, 3), '', '', '', fmt(ch.misfit.essBulk, 1), fmt(ch.misfit.essTail, 1), ''],
    ]));
    lines.push(`<p>Stan's targets: R̂ ≤ ${RHAT_STRICT} and bulk and tail ESS ≥ ${ESS_MIN} for every quantity. The warning above fires when more than ${fmt(100 * MIXED_MAX_SHARE)} % of the cells have R̂ &gt; ${RHAT_LOOSE} or an ESS below ${ESS_MIN}, when χ²/M's R̂ exceeds ${RHAT_LOOSE}, or when a chain is left out.</p>`);
  }
  lines.push(htmlTable('chains', ['chain', 'acceptance after burn-in', 'step size β'], ch.perChain.map((c) => [`#${c.member}`, fmt(c.acceptance, 3), c.stepSize.toExponential(2)])));
  return `<h2>Chains (mcmc)</h2>
${lines.join('\n')}`;
}

/** One row per test: IN / OUT of every term, the totals and MODFLOW's percent discrepancy. */
function budgetTable(budgets: { test: string; budget: WaterBudget }[], unit: string | undefined): string {
  const terms = BUDGET_TERMS.filter((t) => budgets.some(({ budget: b }) => b.in[t] !== 0 || b.out[t] !== 0));
  const head = ['test', ...terms.map((t) => `${BUDGET_LABELS[t]} in / out`), 'total in / out', 'discrepancy %'];
  const body = budgets.map(({ test, budget: b }) => {
    const cells = [test, ...terms.map((t) => `${fmt(b.in[t])} / ${fmt(b.out[t])}`), `${fmt(b.totalIn)} / ${fmt(b.totalOut)}`, b.percentDiscrepancy.toExponential(1)];
    return `<tr>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`;
  });
  const caption = `Water budget of the ensemble-mean field (volume per time${unit ? `, ${unit}` : ''})`;
  return `<table id="budget"><caption>${escapeHtml(caption)}</caption><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${body.join('')}</tbody></table>`;
}

export function renderReport({ manifest, result, figures, maxMisfit, missing = [], budgets, rateUnit }: ReportInput): string {
  const c = manifest.config;
  const done = result.rows.filter((r) => r.status !== 'failed').length;
  const lists: string[] = [];
  if (result.excluded.length > 0) {
    lists.push(`<p class="warn">Left out of the statistics (χ²/M &gt; ${fmt(maxMisfit)}): ${result.excluded
      .map((e) => `#${e.index} (χ²/M ${escapeHtml(fmt(e.misfit))})`).join(', ')}.</p>`);
  }
  if (result.failed.length > 0) {
    lists.push(`<p class="warn">Failed: ${result.failed.map((f) => `#${f.index}: ${escapeHtml(f.error)}`).join('; ')}.</p>`);
  }
  if (missing.length > 0) lists.push(`<p class="warn">Missing (no record yet): ${missing.map((m) => `#${m}`).join(', ')}.</p>`);
  if (result.logKLevelSpread !== null) {
    lists.push(`<p class="note">No test of this case has a source (no wells pumping, no recharge), so the heads do not change when
ln K is shifted by a constant: the data do not fix the mean of ln K. The members' mean ln K differs by ${fmt(result.logKLevelSpread, 2)}
(standard deviation), which comes from their starts, and the ln K spread of the ensemble includes it.</p>`);
  }
  const details = { config: c, priorDir: manifest.priorDir, backend: manifest.backend, versions: manifest.versions, seeds: manifest.seeds, sessions: manifest.sessions };
  return htmlPage(`ldinv report: ${manifest.id}`, `<h1>ldinv inversion report: ${escapeHtml(manifest.id)}</h1>
<p>Case <b>${escapeHtml(manifest.caseName)}</b>, method <b>${escapeHtml(c.method)}</b>, mode <b>${escapeHtml(c.mode)}</b>,
${c.members} members × ${c.iters} iterations, run seed ${c.seed}, backend <b>${escapeHtml(manifest.backend ?? 'unknown')}</b>, status <b>${escapeHtml(manifest.status)}</b>.</p>
<p>${done} finished, ${result.included.length} in the statistics, ${result.excluded.length} left out, ${result.failed.length} failed.</p>
${lists.join('\n')}
<h2>Metrics</h2>
${metricsTable(result)}
${chainsSection(result)}
${robustnessSection(result)}
${budgets && budgets.length > 0 ? `<h2>Water budget</h2>\n${budgetTable(budgets, rateUnit)}` : ''}
<h2>Figures</h2>
${figureGallery(figures)}
<h2>Members</h2>
${memberTable(result.rows, result.metrics !== null)}
<h2>Configuration</h2>
<pre>${escapeHtml(JSON.stringify(details, null, 2))}</pre>`);
}

/** Figures inline (SVG as data URIs), each with its file name and caption. */
export function figureGallery(figures: readonly Figure[]): string {
  return figures
    .map((f) => `<figure><img src="data:image/svg+xml;base64,${Buffer.from(f.svg).toString('base64')}" alt="${escapeHtml(f.file)}"><figcaption>${escapeHtml(f.file)}: ${escapeHtml(f.caption)}</figcaption></figure>`)
    .join('\n');
}

/** A self-contained page (no scripts, no external links) in the reports' style. */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:0.9em}
td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}
th{background:#f3f3f3}
tr.excluded td{color:#888}
tr.failed td{color:#b00}
figure{display:inline-block;margin:0.5em;vertical-align:top;max-width:680px}
figcaption{font-size:0.85em;color:#555}
.warn{color:#a40}
.note{color:#246}
pre{background:#f6f6f6;padding:1em;overflow:auto;font-size:0.8em}
</style></head>
<body>
${body}
</body></html>
`;
}
