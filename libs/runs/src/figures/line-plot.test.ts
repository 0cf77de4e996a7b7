import { describe, expect, it } from 'vitest';
import { plotBox, renderLinePlot } from './line-plot.ts';
import { findAll, parseXml, texts } from './svg-check.fixture.ts';

const points = (p: string) => p.split(' ').map((xy) => xy.split(',').map(Number));

describe('line plot', () => {
  // 300 x 200 without a title: plot box at (70, 14), 214 x 140 px.
  const box = plotBox(300, 200, false);

  it('lays out the plot box inside the margins', () => {
    expect(box).toEqual({ x: 70, y: 14, width: 214, height: 140 });
  });

  it('maps data to pixels exactly: x on whole ticks, y on whole decades', () => {
    const svg = parseXml(renderLinePlot([{ x: [0, 50, 99], y: [100, 10, 1], colour: [255, 0, 0] }], { width: 300, height: 200, yLabel: 'χ²/M' }).toSvg());
    const [line] = findAll(svg, 'polyline');
    expect(line.attrs.stroke).toBe('#ff0000');
    // x: [0, 100] (0..99 widened to the step of 20); y: 10^0 at the bottom (154), 10^2 at the top (14).
    expect(points(line.attrs.points)).toEqual([[70, 14], [177, 84], [70 + 0.99 * 214, 154]]);
    expect(texts(svg)).toEqual(expect.arrayContaining(['10⁰', '10¹', '10²', '0', '20', '100', 'χ²/M']));
  });

  it('keeps iteration ticks on whole numbers and the legend off the curves between their vertices', () => {
    const svg = parseXml(renderLinePlot([{ x: [0, 1, 2], y: [9, 4, 1.5], label: 'member 0' }], { width: 300, height: 200 }).toSvg());
    const ticks = findAll(svg, 'text').filter((t) => Number(t.attrs.y) === 14 + 140 + 18).map((t) => t.text);
    expect(ticks).toEqual(['0', '1', '2']);
    // Two vertices, at the bottom left and the top right corner of the box: no vertex lies under a legend
    // in either top corner, but the line crosses the top right one, so the legend goes top left.
    const rising = parseXml(renderLinePlot([{ x: [0, 2], y: [1, 10], label: 'member 0' }], { width: 300, height: 200 }).toSvg());
    const legend = findAll(rising, 'g').find((g) => g.attrs.class === 'legend')!;
    expect([Number(legend.children[0].attrs.x), Number(legend.children[0].attrs.y)]).toEqual([70 + 8, 14 + 8]);
  });

  it('breaks a curve at NaN and at values a log axis cannot show, and marks a lone point', () => {
    const svg = parseXml(renderLinePlot([{ x: [0, 1, 2, 3, 4], y: [10, 1, Number.NaN, 0, 1] }], { width: 300, height: 200 }).toSvg());
    expect(findAll(svg, 'polyline').map((l) => points(l.attrs.points).length)).toEqual([2]);
    const [dot] = findAll(svg, 'circle');
    // x in [0, 4]: the point at x = 4 lies on the right edge, y = 1 on the bottom.
    expect([Number(dot.attrs.cx), Number(dot.attrs.cy)]).toEqual([284, 154]);
  });

  it('draws a linear y axis on round ticks and a log x axis on decades', () => {
    const svg = parseXml(renderLinePlot([{ x: [4, 16, 64], y: [0, 0.5, 0.9] }], { width: 300, height: 200, logY: false, logX: true }).toSvg());
    const p = points(findAll(svg, 'polyline')[0].attrs.points);
    // x: 1..100 over 214 px, so 4 sits at log10(4)/2 of the width; y: [0, 1] over 140 px.
    expect(p[0][0]).toBeCloseTo(70 + (214 * Math.log10(4)) / 2, 1);
    expect(p.map(([, y]) => y)).toEqual([154, 154 - 70, 154 - 126]);
    expect(texts(svg)).toEqual(expect.arrayContaining(['10⁰', '10¹', '10²', '0', '0.4', '1']));
  });

  it('draws reference lines with their labels, dashed series, and a legend clear of the data', () => {
    const rising = { x: Array.from({ length: 101 }, (_, k) => k), y: Array.from({ length: 101 }, (_, k) => k / 100), label: 'ldim' };
    const fig = renderLinePlot([rising, { ...rising, label: 'calibrated', dashed: true }], {
      width: 300, height: 200, logY: false, title: 'a < b & c', references: [{ y: 0.5, label: 'χ²/M = 1' }],
    });
    const svg = parseXml(fig.toSvg());
    expect(texts(svg)).toEqual(expect.arrayContaining(['a < b & c', 'χ²/M = 1', 'ldim', 'calibrated']));
    expect(findAll(svg, 'polyline')[1].attrs['stroke-dasharray']).toBe('5 3');
    // Whole-number x: ticks 0, 20, ..., 100, none between iterations.
    expect(texts(svg)).toEqual(expect.arrayContaining(['0', '20', '100']));
    // The curves run from bottom left to top right: the legend goes to the top left.
    const legend = findAll(svg, 'g').find((g) => g.attrs.class === 'legend')!;
    const titled = plotBox(300, 200, true);
    expect(Number(legend.children[0].attrs.x)).toBe(titled.x + 8);
    expect(Number(legend.children[0].attrs.y)).toBe(titled.y + 8);
    expect(svg.attrs['font-family']).toContain('sans-serif');
  });
});
