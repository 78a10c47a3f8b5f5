// Debian's Chromium driven by playwright-core (never a downloaded browser), one fresh profile
// per browser. Collects console errors and CSP violations so the tests can assert there are none.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Launches one browser with a fresh --user-data-dir; returns {context, page, problems, close}. */
export async function launchBrowser(name, { viewport = { width: 1000, height: 900 } } = {}) {
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), `forum-e2e-${name}-`));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM, headless: true, args: ARGS, viewport,
  });
  const page = context.pages()[0] ?? await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    const text = msg.text();
    if (/Content Security Policy|Refused to/i.test(text)) problems.push(`[${name}] CSP: ${text}`);
  });
  page.on('pageerror', (err) => problems.push(`[${name}] uncaught: ${err.message}`));
  return {
    name, context, page, problems,
    async close() {
      await context.close().catch(() => {});
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
