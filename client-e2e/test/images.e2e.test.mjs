// Image attachments in two browsers: alice attaches images (file picker, paste, drop) and bob sees
// them in the live messages; files the server refuses show an error and post nothing.
//
//   client-e2e/install.sh && (cd client-e2e && node --test test/images.e2e.test.mjs)   (after mvn package)
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { launchBrowser } from '../lib/browser.mjs';
import { gradientPng } from '../lib/png.mjs';
import { startStack } from '../lib/stack.mjs';
import { DESKTOP, LIVE_MS, message, PHONE, register, SHOTS, shots } from '../lib/steps.mjs';

// Fresh databases every run (lib/stack.mjs): the same names each time keep the screenshots stable.
const suffix = 'e2e01';
const ALICE = { username: `alice_${suffix}`, password: 'alice-password-1', display: 'Alice' };
const BOB = { username: `bob_${suffix}`, password: 'bob-password-1', display: 'Bob' };
const THREAD_TITLE = `Photos ${suffix}`;
const UPLOAD_MARKDOWN = /!\[([^\]]*)\]\(\/api\/forum\/uploads\/[0-9a-f-]{36}\)/;

/**
 * Runs in the page: dispatches a synthetic paste (or drop) of a PNG file on `selector`, the way a
 * browser does when the user pastes a screenshot or drops a file.
 */
function dispatchFile({ selector, kind, name, base64 }) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const data = new DataTransfer();
  data.items.add(new File([bytes], name, { type: 'image/png' }));
  const target = document.querySelector(selector);
  if (kind === 'paste') {
    target.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  } else {
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }
}

/** The image of a message once the browser has loaded and decoded it (naturalWidth > 0). */
async function loadedImage(page, text, alt) {
  const img = message(page, text).getByRole('img', { name: alt });
  await img.waitFor({ timeout: LIVE_MS });
  await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle(), { timeout: LIVE_MS });
  return img;
}

async function uploadCount(stack) {
  const { stdout } = await stack.sql('SELECT count(*) FROM forum_upload');
  return Number(stdout.match(/^\s*(\d+)\s*$/m)[1]);
}

describe('image attachments in two browsers', () => {
  let stack;
  let a; // alice, door A
  let b; // bob, door B

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    stack = await startStack();
    [a, b] = await Promise.all([launchBrowser('alice'), launchBrowser('bob')]);
    await Promise.all([a.page.goto(`${stack.doorA.url}/`), b.page.goto(`${stack.doorB.url}/`)]);
    await register(a.page, ALICE);
    await register(b.page, BOB);
  }, { timeout: 180000 });

  after(async () => {
    await a?.close();
    await b?.close();
    await stack?.stop();
  });

  it('starts a thread with an image dropped on the new-thread form', async () => {
    const content = a.page.getByLabel('First message', { exact: true });
    await a.page.getByLabel('Title').fill(THREAD_TITLE);
    await content.fill('The view from the office:');
    await a.page.evaluate(dispatchFile, {
      selector: 'form.compose textarea[name="content"]', kind: 'drop', name: 'office-view.png',
      base64: gradientPng(320, 180).toString('base64'),
    });
    await a.page.waitForFunction(() => /\(\/api\/forum\/uploads\//.test(document.querySelector('form.compose textarea[name="content"]').value));
    assert.match(await content.inputValue(), /^The view from the office:\n!\[office-view\]\(\/api\/forum\/uploads\/[0-9a-f-]{36}\)$/);
    await a.page.getByRole('button', { name: 'Create thread' }).click();
    await a.page.getByRole('heading', { name: THREAD_TITLE, level: 1 }).waitFor();
    await loadedImage(a.page, 'The view from the office', 'office-view');
  });

  it('shows bob the image alice attaches with the file picker, live, in her new message', async () => {
    await b.page.getByRole('link', { name: THREAD_TITLE }).click();
    await b.page.getByRole('heading', { name: THREAD_TITLE, level: 1 }).waitFor();
    await loadedImage(b.page, 'The view from the office', 'office-view');

    const reply = a.page.getByLabel('Message', { exact: true });
    await reply.fill('Whiteboard after the meeting');
    await a.page.locator('form.compose input[type="file"]').setInputFiles({
      name: 'whiteboard.png', mimeType: 'image/png', buffer: gradientPng(240, 160, [200, 40, 90], [60, 200, 120]),
    });
    await a.page.locator('.attach-status', { hasText: 'Attached whiteboard.' }).waitFor({ timeout: LIVE_MS });
    assert.match(await reply.inputValue(), UPLOAD_MARKDOWN);
    await a.page.getByRole('button', { name: 'Send', exact: true }).click();

    const img = await loadedImage(b.page, 'Whiteboard after the meeting', 'whiteboard');
    assert.equal(await img.getAttribute('loading'), 'lazy');
    assert.match(await img.getAttribute('src'), /^\/api\/forum\/uploads\/[0-9a-f-]{36}$/);
    const box = await img.boundingBox();
    assert.ok(box.width <= 240 && box.width > 0, 'shown at most at its own size');
    await b.page.setViewportSize(PHONE);
    await img.scrollIntoViewIfNeeded();
    const phoneBox = await img.boundingBox();
    assert.ok(phoneBox.x >= 0 && phoneBox.x + phoneBox.width <= PHONE.width, 'fits the phone screen');
    await b.page.setViewportSize(DESKTOP);
    await shots(b.page, 'image-attachment', () => img.scrollIntoViewIfNeeded());
  });

  it('uploads an image alice pastes into the reply box and shows it to bob', async () => {
    const reply = a.page.getByLabel('Message', { exact: true });
    await reply.fill('Screenshot of the bug');
    await a.page.evaluate(dispatchFile, {
      selector: 'form.compose textarea[name="content"]', kind: 'paste', name: 'image.png',
      base64: gradientPng(200, 120, [20, 20, 20], [240, 240, 240]).toString('base64'),
    });
    await a.page.locator('.attach-status', { hasText: 'Attached pasted image.' }).waitFor({ timeout: LIVE_MS });
    assert.match(await reply.inputValue(), /^Screenshot of the bug\n!\[pasted image\]\(/);
    await a.page.getByRole('button', { name: 'Send', exact: true }).click();
    await loadedImage(b.page, 'Screenshot of the bug', 'pasted image');
  });

  it('shows a clear error for a file that is not an image and posts nothing', async () => {
    const before = await uploadCount(stack);
    const messages = await a.page.locator('ol.messages > li').count();
    const reply = a.page.getByLabel('Message', { exact: true });
    await reply.fill('');
    await a.page.locator('form.compose input[type="file"]').setInputFiles({
      name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('meeting notes, not a picture'),
    });
    const alert = a.page.getByRole('alert').filter({ hasText: 'Could not attach notes: Only PNG, JPEG, GIF and WebP images can be uploaded' });
    await alert.waitFor({ timeout: LIVE_MS });
    await shots(a.page, 'image-attachment-error', () => alert.scrollIntoViewIfNeeded());
    assert.equal(await reply.inputValue(), '', 'nothing inserted');
    assert.equal(await uploadCount(stack), before, 'nothing stored');
    assert.equal(await a.page.locator('ol.messages > li').count(), messages, 'nothing posted');
  });

  it('shows a clear error for a file over the size limit and stores nothing', async () => {
    const before = await uploadCount(stack);
    const big = Buffer.concat([gradientPng(8, 8), Buffer.alloc(5 * 1024 * 1024)]);
    await a.page.locator('form.compose input[type="file"]').setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: big });
    const alert = a.page.getByRole('alert').filter({ hasText: 'Could not attach huge: Images can be at most 5120 KiB' });
    await alert.waitFor({ timeout: LIVE_MS });
    assert.equal(await a.page.getByLabel('Message', { exact: true }).inputValue(), '', 'nothing inserted');
    assert.equal(await uploadCount(stack), before, 'nothing stored');
  });

  it('shows an image from elsewhere as a link, not an image', async () => {
    await a.page.getByLabel('Message', { exact: true }).fill('![tracking pixel](https://example.org/pixel.png)');
    await a.page.getByRole('button', { name: 'Send', exact: true }).click();
    const link = message(b.page, 'tracking pixel').getByRole('link', { name: 'tracking pixel' });
    await link.waitFor({ timeout: LIVE_MS });
    assert.equal(await link.getAttribute('href'), 'https://example.org/pixel.png');
    assert.equal(await message(b.page, 'tracking pixel').locator('img').count(), 0);
  });

  it('ran without CSP violations or uncaught errors', () => {
    assert.deepEqual([...a.problems, ...b.problems], []);
  });
});
