// Opens a report in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) and
// reports what a reader would see: images that loaded, and the member table's rows.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.LDINV_CHROMIUM ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);

export interface BrowserView {
  images: number;
  /** Images that finished loading with a non-zero natural size. */
  loaded: number;
  memberRows: number[];
  /** Requests the page made for anything but the report file itself. */
  requests: string[];
}

export async function viewReport(path: string): Promise<BrowserView> {
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    const url = pathToFileURL(path).href;
    const requests: string[] = [];
    page.on('request', (r) => {
      if (r.url() !== url && !r.url().startsWith('data:')) requests.push(r.url());
    });
    await page.goto(url, { waitUntil: 'load' });
    // A string, so that this Node-side file needs no DOM typings.
    const view = (await page.evaluate(`(() => {
      const imgs = [...document.querySelectorAll('img')];
      const rows = [...document.querySelectorAll('#members tbody tr')].map((tr) => Number(tr.getAttribute('data-member')));
      return { images: imgs.length, loaded: imgs.filter((i) => i.complete && i.naturalWidth > 0).length, memberRows: rows };
    })()`)) as Omit<BrowserView, 'requests'>;
    return { ...view, requests };
  } finally {
    await browser.close();
  }
}
