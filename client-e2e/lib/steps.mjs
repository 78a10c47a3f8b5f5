// Steps the browser suites share.
import path from 'node:path';
import { ROOT } from './stack.mjs';

export const SHOTS = path.join(ROOT, 'client-e2e', 'screenshots');
export const DESKTOP = { width: 1000, height: 900 };
export const PHONE = { width: 390, height: 844 };

/** How long a live change may take to appear in the other browser before the test fails. */
export const LIVE_MS = Number(process.env.E2E_LIVE_TIMEOUT_MS ?? 5000);

/** The <li> of the message whose text contains `text`. */
export function message(page, text) {
  return page.locator('ol.messages > li', { hasText: text });
}

/** Signs a new user up through the form and waits until the page is live. */
export async function register(page, user) {
  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Display name (optional)').fill(user.display);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Threads', level: 1 }).waitFor();
  await page.locator('#connection-status', { hasText: 'Live' }).waitFor({ timeout: 15000 });
}

/**
 * Screenshots of the viewport (not the full page: small files) at desktop and phone size, as
 * client-e2e/screenshots/<name>.png and <name>-phone.png, without animations or the text caret. `prepare` runs
 * after each resize (e.g. scrolls what the picture is about into view). Leaves the page at desktop size.
 */
export async function shots(page, name, prepare = async () => {}) {
  for (const [size, file] of [[DESKTOP, `${name}.png`], [PHONE, `${name}-phone.png`]]) {
    await page.setViewportSize(size);
    await prepare();
    await page.screenshot({ path: path.join(SHOTS, file), animations: 'disabled', caret: 'hide' });
  }
  await page.setViewportSize(DESKTOP);
}
