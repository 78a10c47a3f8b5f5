// Steps the browser suites share.

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
