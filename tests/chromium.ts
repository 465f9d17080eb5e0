// A self-contained HTML file opened in a real Chromium, as a reader would: page errors and any request off the file
// are collected, a screenshot is kept beside the file, and the browser is closed whatever the checks did.
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';

export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

/** Opens `file` and runs `check` on the page; returns what went wrong in the page (errors, network requests). */
export async function inChromium(file: string, check: (page: Page) => Promise<void>): Promise<string[]> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => !r.url().startsWith('file:') && problems.push(`network request to ${r.url()}`));
    await page.goto(`file://${file}`);
    await check(page);
    await page.screenshot({ path: file.replace(/\.html$/, '.png'), fullPage: true });
    return problems;
  } finally {
    await browser.close();
  }
}
