import { describe, expect, it } from 'vitest';
import { findAll, parseXml, texts } from '../figures/svg-check.fixture.ts';
import { renderReport } from './report-html.ts';
import { syntheticReport } from './report.fixture.ts';

describe('report.html', () => {
  const { html, figures, result, input } = syntheticReport();

  it('has one member-table row per member, with excluded and failed members marked', () => {
    const body = html.slice(html.indexOf('<table id="members">'));
    const rows = [...body.matchAll(/<tr class="(\w+)" data-member="(\d+)">/g)].map((m) => [Number(m[2]), m[1]]);
    expect(rows).toEqual([[0, 'included'], [1, 'included'], [2, 'excluded'], [3, 'included'], [4, 'failed']]);
    // The failed member's error is shown, escaped.
    expect(html).toContain('worker &lt;died&gt;');
    expect(html).toContain('Left out of the statistics (χ²/M &gt; 10): #2 (χ²/M 40)');
  });

  it('inlines every figure as a well-formed SVG and links nothing outside the file', () => {
    const srcs = [...html.matchAll(/<img src="data:image\/svg\+xml;base64,([^"]+)"/g)].map((m) => Buffer.from(m[1], 'base64').toString('utf8'));
    expect(srcs).toEqual(figures.map((f) => f.svg));
    for (const s of srcs) expect(Number(parseXml(s).attrs.width)).toBeGreaterThan(50);
    expect(html).not.toMatch(/(src|href)="(?!data:)/);
    // Inside the SVGs, only embedded cell images.
    for (const s of srcs) for (const image of findAll(parseXml(s), 'image')) expect(image.attrs['xlink:href']).toMatch(/^data:image\/png;base64,/);
    expect(figures.map((f) => f.file)).toEqual([
      'logk_truth.svg', 'logk_mean.svg', 'logk_std.svg', 'logk_error.svg', 'logk_above_threshold.svg', 'reliability.svg', 'head_t0_mean.svg', 'head_t0_std.svg', 'logk_members.svg', 'convergence.svg',
      'logk_error_curves.svg',
    ]);
    const convergence = parseXml(figures.find((f) => f.file === 'convergence.svg')!.svg);
    expect(texts(convergence)).toEqual(expect.arrayContaining(['convergence', 'iteration', 'χ²/M', 'χ²/M = 1 (noise level)', '--max-misfit 10']));
    // One curve per finished member (each history is one unbroken run), the left-out member #2 dashed.
    const curves = findAll(convergence, 'polyline');
    expect(curves.map((c) => c.attrs['stroke-dasharray'] ?? '')).toEqual(['', '', '5 3', '']);
  });

  it('reports the robustness analysis: modes by the stated rule, the probability map, Brier score and error spread', () => {
    expect(html).toContain('<h2>Robustness</h2>');
    expect(html).toContain('k-medoids of the members');
    expect(html).toMatch(/share of the members with ln K &gt; 0 \(midway between the case's materials \(-1, 1\)\); Brier score against the truth [0-9.e+-]+, skill against the prior's volume fraction -?[0-9.e+-]+/);
    expect(html).toMatch(/coefficient of variation [0-9.]+/);
    // 3 included members: too few to show modes.
    expect(result.robustness!.modes.modes).toHaveLength(1);
    // Members within ±0.3 of a ±1 truth: all on the truth's side of 0, a perfect map (Brier 0, skill 1).
    expect(result.robustness!.brier).toBe(0);
    expect(result.robustness!.brierSkill).toBe(1);
    // ... so its reliability diagram has two bins, P = 0 and P = 1, each half the cells and on the diagonal.
    const rel = result.robustness!.reliability!;
    expect(rel.judged).toEqual([0, 9]);
    expect([rel.bins[0], rel.bins[9]].map((b) => [b.share, b.predicted, b.observed])).toEqual([[0.5, 0, 0], [0.5, 1, 1]]);
    expect(html).toContain('largest |observed − predicted| 0, within ±0.1 of the diagonal.');
    expect(html).toContain('<table id="reliability">');
  });

  it('says when the data leave the mean of ln K free, with the members\' spread of it', () => {
    expect(html).not.toContain('do not fix the mean of ln K');
    const free = renderReport({ ...input, result: { ...result, logKLevelSpread: 0.4321 } });
    expect(free).toContain('the data do not fix the mean of ln K. The members\' mean ln K differs by 0.43');
  });

  it('shows the ensemble metrics and the configuration', () => {
    expect(html).toContain('<table id="metrics">');
    expect(html).toContain('90 % coverage of true ln K');
    expect(html).toContain('&quot;method&quot;: &quot;pixel&quot;');
    expect(result.metrics!.mean.misclassified).not.toBeNull();
  });
});
