// The report as a reader sees it: headless Chromium loads every image and the member table has one
// row per member. Skips (with this message) where /usr/bin/chromium is absent; .ci/run installs it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, HAVE_CHROMIUM, viewReport } from './browser-check.fixture.ts';
import { syntheticReport } from './report.fixture.ts';

describe.skipIf(!HAVE_CHROMIUM)(`report.html in headless Chromium (skipped: ${CHROMIUM} not installed)`, () => {
  it('loads every image and shows one table row per member', async () => {
    const { html, figures } = syntheticReport();
    const path = join(mkdtempSync(join(tmpdir(), 'ldinv-report-')), 'report.html');
    writeFileSync(path, html);
    const view = await viewReport(path);
    expect(view.images).toBe(figures.length);
    expect(view.loaded).toBe(figures.length);
    expect(view.memberRows).toEqual([0, 1, 2, 3, 4]);
    expect(view.requests).toEqual([]);
  });
});
