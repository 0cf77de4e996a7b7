// Test helpers for code that checks run outputs; a separate door so that the library proper never loads
// playwright-core.
export { CHROMIUM, HAVE_CHROMIUM, viewReport } from './report/browser-check.fixture.ts';
export type { BrowserView } from './report/browser-check.fixture.ts';
