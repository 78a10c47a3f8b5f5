// Two real browsers on two front doors whose WebSockets land on two different gateway replicas:
// what alice does, bob sees live without reloading, and bob's page survives a gateway restart
// by itself, showing what was posted meanwhile exactly once.
//
//   client-e2e/install.sh && (cd client-e2e && npm test)      (after mvn package)
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { launchBrowser } from '../lib/browser.mjs';
import { startStack } from '../lib/stack.mjs';
import { LIVE_MS, message, PHONE, register, SHOTS, shots } from '../lib/steps.mjs';

/** A restarted gateway plus the client's backoff (max 10 s between attempts). */
const RECONNECT_MS = 45000;

// Every run starts on fresh databases (lib/stack.mjs), so names can be the same each run: the screenshots then
// differ between runs only where times are shown.
const suffix = 'e2e01';
const ALICE = { username: `alice_${suffix}`, password: 'alice-password-1', display: 'Alice' };
const BOB = { username: `bob_${suffix}`, password: 'bob-password-1', display: 'Bob' };
const THREAD_TITLE = `Release plan ${suffix}`;

const latencies = [];

/** Runs `act` in one browser and measures how long `seen` takes to hold in the other. */
async function live(label, act, seen) {
  const started = performance.now();
  await act();
  await seen();
  const ms = Math.round(performance.now() - started);
  latencies.push(`${label}: ${ms} ms`);
  return ms;
}

/**
 * Runs in bob's page before the app (init script): wraps WebSocket so that a test can close the
 * socket, hold reconnects (while `hold`, sockets open a path no gateway serves, so the handshake
 * fails), replace the resume point of the next `subscribe` with an event id the gateway never
 * issued (`staleResume`), and read the frames received. Transparent while no flag is set.
 */
function wireTap() {
  const Native = window.WebSocket;
  const tap = { sockets: [], received: [], sent: [], hold: false, staleResume: false };
  window.e2eWire = tap;
  const neverIssued = () => `00000000-0000-4000-8000-${Math.random().toString(16).slice(2, 14).padEnd(12, '0')}`;
  window.WebSocket = class TappedWebSocket extends Native {
    constructor(url, protocols) {
      super(tap.hold ? String(url).replace(/\/ws\/v2$/, '/ws/held-by-e2e') : url, protocols);
      tap.sockets.push(this);
      this.addEventListener('message', (e) => { try { tap.received.push(JSON.parse(e.data)); } catch { /* not JSON */ } });
    }

    send(data) {
      const frame = JSON.parse(data);
      if (tap.staleResume && frame.type === 'subscribe' && frame.last_event_id) {
        tap.staleResume = false;
        frame.last_event_id = neverIssued();
        data = JSON.stringify(frame);
      }
      tap.sent.push(frame);
      super.send(data);
    }
  };
}

async function post(page, text) {
  await page.getByLabel('Message', { exact: true }).fill(text);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await message(page, text).first().waitFor({ timeout: LIVE_MS });
}

describe('forum client in two browsers on two gateways', () => {
  let stack;
  let a; // alice, via front door A -> gateway 1
  let b; // bob, via front door B -> gateway 2

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    stack = await startStack();
    [a, b] = await Promise.all([launchBrowser('alice'), launchBrowser('bob')]);
    await b.context.addInitScript(wireTap);
    await Promise.all([a.page.goto(`${stack.doorA.url}/`), b.page.goto(`${stack.doorB.url}/`)]);
  }, { timeout: 180000 });

  after(async () => {
    if (latencies.length) console.log(`live delivery (action in one browser -> visible in the other):\n  ${latencies.join('\n  ')}`);
    await a?.close();
    await b?.close();
    await stack?.stop();
  });

  it('shows the server\'s error in an alert when signing in with a wrong password', async () => {
    await b.page.getByLabel('Username').fill('nobody_here');
    await b.page.getByLabel('Password').fill('wrong-password');
    await b.page.getByRole('button', { name: 'Sign in' }).click();
    await b.page.getByRole('alert').filter({ hasText: 'Wrong username or password' }).waitFor();
  });

  it('registers alice and bob through the sign-up form', async () => {
    await register(a.page, ALICE);
    await register(b.page, BOB);
    // The header names the user as posts do: by username (the display name is its tooltip).
    assert.equal(await a.page.locator('#whoami').textContent(), ALICE.username);
    assert.equal(await a.page.locator('#whoami').getAttribute('title'), 'Alice');
    assert.equal(await b.page.locator('#whoami').textContent(), BOB.username);
    // A marker that a reload would wipe: bob's page must stay the same document to the end.
    await b.page.evaluate(() => { window.e2eNotReloaded = true; });
  });

  it('shows a thread created by alice in bob\'s thread list without reloading', async () => {
    await live('new thread in list', async () => {
      await a.page.getByLabel('Title').fill(THREAD_TITLE);
      await a.page.getByLabel('First message', { exact: true }).fill('Kick-off: **bold** plan and <script>alert(1)</script>');
      await a.page.getByRole('button', { name: 'Create thread' }).click();
    }, () => b.page.getByRole('link', { name: THREAD_TITLE }).waitFor({ timeout: LIVE_MS }));
    await a.page.getByRole('heading', { name: THREAD_TITLE, level: 1 }).waitFor();
    // Markdown is the server's sanitised HTML: bold rendered, script inert.
    await a.page.locator('ol.messages strong', { hasText: 'bold' }).waitFor();
    assert.equal(await a.page.locator('ol.messages script').count(), 0);
    await b.page.getByRole('link', { name: THREAD_TITLE }).click();
    await b.page.getByRole('heading', { name: THREAD_TITLE, level: 1 }).waitFor();
    await message(b.page, 'Kick-off').waitFor();
  });

  it('shows alice typing, then her new message, in bob\'s open thread', async () => {
    await live('typing indicator', () => a.page.getByLabel('Message', { exact: true }).pressSequentially('Fir'),
      () => b.page.getByText(`${ALICE.username} is typing…`).waitFor({ timeout: LIVE_MS }));
    await live('new message', () => post(a.page, 'First live message'),
      () => message(b.page, 'First live message').waitFor({ timeout: LIVE_MS }));
    assert.equal(await message(b.page, 'First live message').count(), 1);
  });

  it('shows alice\'s edit in bob\'s view', async () => {
    const mine = message(a.page, 'First live message');
    await live('edit', async () => {
      await mine.getByRole('button', { name: 'Edit' }).click();
      await a.page.getByLabel('Edited text', { exact: true }).fill('First live message, edited');
      await a.page.getByRole('button', { name: 'Save' }).click();
    }, () => message(b.page, 'First live message, edited').getByText('(edited)').waitFor({ timeout: LIVE_MS }));
  });

  it('shows alice\'s like as a like count in bob\'s view', async () => {
    await live('like', () => message(a.page, 'First live message, edited').getByRole('button', { name: /^Like/ }).click(),
      () => message(b.page, 'First live message, edited').locator('.like-count', { hasText: '1' }).waitFor({ timeout: LIVE_MS }));
    const liked = message(a.page, 'First live message, edited').locator('button.like');
    assert.equal(await liked.getAttribute('aria-pressed'), 'true');
    assert.equal(await message(b.page, 'First live message, edited').locator('button.like').getAttribute('aria-pressed'), 'false');
  });

  it('still shows alice\'s like as pressed after she reloads the page (is_liked from the REST read)', async () => {
    await a.page.reload();
    await a.page.getByRole('heading', { name: THREAD_TITLE, level: 1 }).waitFor();
    const like = message(a.page, 'First live message, edited').locator('button.like');
    await like.waitFor();
    assert.equal(await like.getAttribute('aria-pressed'), 'true');
    assert.match(await like.getAttribute('aria-label'), /^Unlike \(1 like\)$/);
    assert.equal(await message(a.page, 'Kick-off').locator('button.like').getAttribute('aria-pressed'), 'false');
  });

  it('keeps alice\'s reply and new-thread drafts across navigation and a reload, and clears them when sent', async () => {
    const reply = a.page.getByLabel('Message', { exact: true });
    await reply.fill('A draft that survives');
    await a.page.getByRole('link', { name: 'Threads', exact: true }).click();
    await a.page.getByRole('heading', { name: 'Threads', level: 1 }).waitFor();
    await a.page.getByLabel('Title').fill('Half-written thread title');
    await a.page.reload();
    await a.page.getByRole('heading', { name: 'Threads', level: 1 }).waitFor();
    assert.equal(await a.page.getByLabel('Title').inputValue(), 'Half-written thread title', 'new-thread draft restored');
    await shots(a.page, 'draft-new-thread');
    await a.page.getByLabel('Title').fill('');
    await a.page.getByRole('link', { name: THREAD_TITLE }).click();
    await a.page.getByRole('heading', { name: THREAD_TITLE, level: 1 }).waitFor();
    assert.equal(await reply.inputValue(), 'A draft that survives', 'reply draft restored after navigation');
    await a.page.reload();
    await a.page.getByRole('heading', { name: THREAD_TITLE, level: 1 }).waitFor();
    assert.equal(await reply.inputValue(), 'A draft that survives', 'reply draft restored after a reload');
    await shots(a.page, 'draft-reply', () => reply.scrollIntoViewIfNeeded());
    await a.page.getByRole('button', { name: 'Send', exact: true }).click();
    await message(b.page, 'A draft that survives').waitFor({ timeout: LIVE_MS });
    assert.equal(await reply.inputValue(), '');
    assert.deepEqual(await a.page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('forum-draft:'))), [], 'sent: no draft left');
  });

  it('removes a message alice deletes from bob\'s view', async () => {
    await post(a.page, 'Short-lived message');
    await message(b.page, 'Short-lived message').waitFor({ timeout: LIVE_MS });
    a.page.once('dialog', (d) => d.accept());
    await live('delete', () => message(a.page, 'Short-lived message').getByRole('button', { name: 'Delete' }).click(),
      () => message(b.page, 'Short-lived message').waitFor({ state: 'detached', timeout: LIVE_MS }));
  });

  it('notifies alice when bob mentions her, in the bell and the notifications list', async (t) => {
    if (!stack.notify) {
      t.skip('notification-service jar not packaged');
      return;
    }
    // Alice is elsewhere (on the open thread, bob's message would mark it read at once).
    await a.page.getByRole('link', { name: 'Threads', exact: true }).click();
    await a.page.getByRole('heading', { name: 'Threads', level: 1 }).waitFor();
    await post(b.page, `Thanks @${ALICE.username}, looks good`);
    const threadId = await b.page.evaluate(() => location.hash.match(/^#\/threads\/(\d+)/)[1]);
    const messageId = await message(b.page, 'Thanks @').getAttribute('data-message-id');
    // A "You were mentioned" toast that links to the message.
    const toast = a.page.locator('.toast-mention', { hasText: 'You were mentioned' });
    await toast.waitFor({ timeout: 15000 });
    assert.match(await toast.textContent(), new RegExp(`@${BOB.username} mentioned you in “${THREAD_TITLE}”`));
    assert.equal(await toast.getByRole('link').getAttribute('href'), `#/threads/${threadId}/messages/${messageId}`);

    await a.page.locator('#bell-count:not([hidden])').waitFor({ timeout: 15000 });
    await a.page.getByRole('link', { name: /^Notifications, \d+ unread$/ }).click();
    await a.page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
    const mention = a.page.locator('.notification-list li.notification', { hasText: 'You were mentioned' }).first();
    await mention.waitFor();
    await shots(a.page, 'notifications');
    await a.page.getByRole('button', { name: 'Mark all as read' }).click();
    await a.page.locator('#bell-count[hidden]').waitFor({ state: 'attached' });
    // The notification's link (like the toast's) opens the thread focused on the message.
    await mention.getByRole('link', { name: 'You were mentioned' }).click();
    await a.page.getByRole('heading', { name: THREAD_TITLE, level: 1 }).waitFor();
    await a.page.waitForFunction((id) => document.activeElement?.closest('li')?.dataset.messageId === id, messageId);
  });

  it('completes a username while bob types @…, and alice sees the mention as a link highlighted for her', async () => {
    const compose = b.page.getByLabel('Message', { exact: true });
    await compose.fill('');
    await compose.pressSequentially(`Ping @${ALICE.username.slice(0, 8)}`);
    const option = b.page.getByRole('option', { name: new RegExp(`^@${ALICE.username}`) });
    await option.waitFor({ timeout: LIVE_MS });
    assert.equal(await compose.getAttribute('aria-expanded'), 'true');
    await shots(b.page, 'mention-autocomplete', () => option.scrollIntoViewIfNeeded());
    await compose.press('Enter');
    assert.equal(await compose.inputValue(), `Ping @${ALICE.username} `, 'Enter completes the name');
    await compose.pressSequentially('please review');
    await b.page.getByRole('button', { name: 'Send', exact: true }).click();

    const mine = message(a.page, 'please review');
    await mine.waitFor({ timeout: LIVE_MS });
    const link = mine.locator('a.mention');
    assert.equal(await link.textContent(), `@${ALICE.username}`);
    assert.equal(await link.getAttribute('href'), `#/users/${ALICE.username}`);
    assert.match(await link.getAttribute('class'), /mention-me/, 'highlighted for the person mentioned');
    assert.match(await mine.locator('article').getAttribute('class'), /mentions-me/);
    const theirs = message(b.page, 'please review').locator('a.mention');
    assert.doesNotMatch(await theirs.getAttribute('class'), /mention-me/, 'not highlighted for the author');
    await shots(a.page, 'mention-highlight', () => mine.scrollIntoViewIfNeeded());

    // The mention (like an author's name) opens the user's profile card.
    await link.click();
    await a.page.getByRole('heading', { name: new RegExp(`^@${ALICE.username}`), level: 1 }).waitFor();
    await a.page.locator('.profile .tag-role', { hasText: 'Member' }).waitFor();
    await a.page.locator('.recent-posts a', { hasText: THREAD_TITLE }).first().waitFor();
    await shots(a.page, 'profile');
    await a.page.goBack();
    await a.page.getByRole('heading', { name: THREAD_TITLE, level: 1 }).waitFor();
  });

  it('collects bob\'s new messages in alice\'s followed thread into one notification that grows live', async (t) => {
    if (!stack.notify) {
      t.skip('notification-service jar not packaged');
      return;
    }
    // Alice created the thread, so she follows it; she watches her notifications while bob writes.
    await a.page.getByRole('link', { name: /^Notifications/ }).click();
    await a.page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
    const group = a.page.locator('.notification-list li.notification.unread', { hasText: `new messages in “${THREAD_TITLE}”` });
    for (const n of [1, 2, 3]) await post(b.page, `Followed news #${n}`);

    await group.locator('.notification-count', { hasText: '3' }).waitFor({ timeout: 15000 });
    assert.equal(await group.count(), 1, 'one entry for the thread');
    assert.equal(await group.locator('.notification-content').textContent(), `3 new messages in “${THREAD_TITLE}” from ${BOB.username}`);
    assert.equal(await a.page.locator('.notification-list li.notification').first().getAttribute('data-notification-id'),
      await group.getAttribute('data-notification-id'), 'the group is on top');
    await shots(a.page, 'notifications-grouped');
    // The group links to its first message: the thread opens there, which reads the group.
    const first = await message(b.page, 'Followed news #1').getAttribute('data-message-id');
    await group.getByRole('link', { name: 'New messages' }).click();
    await a.page.getByRole('heading', { name: THREAD_TITLE, level: 1 }).waitFor();
    await a.page.waitForFunction((id) => document.activeElement?.closest('li')?.dataset.messageId === id, first);
    await a.page.waitForFunction(async () => (await (await fetch('/api/forum/notifications?unread_only=true&limit=100')).json())
      .notifications.every((n) => n.type !== 'new_message'), null, { polling: 200, timeout: LIVE_MS });
  });

  it('lets an admin pin and lock the thread and switch @everyone off, and bob sees each change live', async () => {
    // There is no API to create the first admin: promote alice in the test's own database, and tell
    // forum-api's session cache, as forum-api itself does on commit (NOTIFY forum_session <user id>).
    await stack.sql(`WITH promoted AS (UPDATE forum_user SET role = 'admin' WHERE username = '${ALICE.username}' RETURNING id)
      SELECT pg_notify('forum_session', id::text) FROM promoted`);
    await a.page.reload();
    await a.page.getByRole('heading', { name: THREAD_TITLE, level: 1 }).waitFor();
    const controls = a.page.getByRole('form', { name: 'Moderator controls' });
    await live('pin', () => controls.getByRole('button', { name: 'Pin', exact: true }).click(),
      () => b.page.locator('.thread-header .tag-pin').waitFor({ timeout: LIVE_MS }));
    await live('lock', () => controls.getByRole('button', { name: 'Lock', exact: true }).click(),
      () => b.page.locator('textarea[name="content"][disabled]').waitFor({ timeout: LIVE_MS }));
    await b.page.getByText('This thread is locked.').waitFor();
    await controls.getByRole('button', { name: 'Unlock', exact: true }).click();
    await b.page.locator('textarea[name="content"]:not([disabled])').waitFor({ timeout: LIVE_MS });

    await a.page.getByRole('link', { name: 'Moderation' }).click();
    await a.page.getByText('@everyone is enabled.').waitFor();
    await live('@everyone switched off (notice)', () => a.page.getByRole('button', { name: 'Disable @everyone' }).click(),
      () => b.page.locator('.toast', { hasText: '@everyone' }).first().waitFor({ timeout: LIVE_MS }));
    await a.page.getByText('@everyone is disabled for everybody.').waitFor();
    await shots(a.page, 'moderation');
    await a.page.getByRole('button', { name: 'Enable @everyone' }).click();
    await a.page.getByText('@everyone is enabled.').waitFor();

    await a.page.getByRole('link', { name: 'Threads', exact: true }).click();
    const row = a.page.locator('.thread-row', { hasText: THREAD_TITLE });
    await row.locator('.tag-pin').waitFor();
    await row.getByRole('link').click();
    await a.page.getByRole('heading', { name: THREAD_TITLE, level: 1 }).waitFor();
  });

  it('reconnects bob by itself after his gateway restarts and shows what was posted meanwhile, once each', async () => {
    const [, gateway2] = stack.gateways;
    await a.page.getByRole('heading', { name: THREAD_TITLE, level: 1 }).waitFor();
    await gateway2.kill('SIGKILL');
    await b.page.locator('#connection-status:not([data-state="open"])').waitFor({ timeout: 15000 });

    const during = ['While gateway 2 was down #1', 'While gateway 2 was down #2', 'While gateway 2 was down #3'];
    for (const text of during) await post(a.page, text);

    gateway2.start();
    await gateway2.waitReady();
    const started = performance.now();
    await b.page.locator('#connection-status[data-state="open"]').waitFor({ timeout: RECONNECT_MS });
    for (const text of during) await message(b.page, text).waitFor({ timeout: LIVE_MS });
    latencies.push(`gateway ready -> bob live with the missed messages: ${Math.round(performance.now() - started)} ms`);

    await post(a.page, 'After the restart');
    await message(b.page, 'After the restart').waitFor({ timeout: LIVE_MS });

    for (const text of [...during, 'After the restart']) {
      assert.equal(await message(b.page, text).count(), 1, `"${text}" shown once`);
    }
    const ids = await b.page.locator('ol.messages > li[data-message-id]').evaluateAll((lis) => lis.map((li) => li.dataset.messageId));
    assert.equal(new Set(ids).size, ids.length, 'no message id twice');
    assert.equal(await b.page.evaluate(() => window.e2eNotReloaded), true, 'bob\'s page was not reloaded');
    await shots(b.page, 'thread-view', () => b.page.evaluate(() => window.scrollTo(0, document.body.scrollHeight)));
    await b.page.setViewportSize(PHONE);
  });

  it('reloads bob\'s thread view when the gateway cannot resume from his resume point (resync_required), showing every message once', async () => {
    const threadId = Number(await b.page.evaluate(() => location.hash.match(/^#\/threads\/(\d+)/)[1]));
    await post(a.page, 'Before the stale resume point');
    await message(b.page, 'Before the stale resume point').waitFor({ timeout: LIVE_MS });

    // Bob's socket drops; until released, his reconnects fail; the next resume point he sends is
    // an event id the gateway cannot find (as if purged from the outbox).
    await b.page.evaluate(() => {
      const tap = window.e2eWire;
      tap.hold = true;
      tap.staleResume = true;
      tap.received.length = 0;
      tap.sockets.at(-1).close(4000, 'e2e drop');
    });
    await b.page.locator('#connection-status:not([data-state="open"])').waitFor({ timeout: LIVE_MS });
    const gap = ['Posted during the stale gap #1', 'Posted during the stale gap #2'];
    for (const text of gap) await post(a.page, text);
    assert.equal(await message(b.page, gap[0]).count(), 0, 'not delivered while bob is away');

    await b.page.evaluate(() => { window.e2eWire.hold = false; });
    await b.page.locator('#connection-status[data-state="open"]').waitFor({ timeout: RECONNECT_MS });
    for (const text of gap) await message(b.page, text).waitFor({ timeout: LIVE_MS });

    const wire = await b.page.evaluate(() => ({ received: window.e2eWire.received, sent: window.e2eWire.sent, stale: window.e2eWire.staleResume }));
    assert.equal(wire.stale, false, 'the stale resume point was sent');
    assert.ok(wire.received.some((f) => f.type === 'resync_required' && Number(f.thread_id) === threadId), 'gateway answered resync_required');
    assert.ok(!wire.received.some((f) => f.type === 'new_message' && gap.some((t) => f.message?.content === t)), 'the gap came from the REST reload, not a replay');

    await post(a.page, 'Live again after the resync');
    await message(b.page, 'Live again after the resync').waitFor({ timeout: LIVE_MS });
    const shown = await b.page.locator('ol.messages > li[data-message-id]').evaluateAll((lis) => lis.map((li) => Number(li.dataset.messageId)));
    const stored = await b.page.evaluate(async (id) => (await (await fetch(`/api/forum/threads/${id}?limit=200`)).json()).messages.map((m) => m.id), threadId);
    assert.deepEqual(shown, stored, 'every message of the thread, once, in order');
    assert.equal(await b.page.evaluate(() => window.e2eNotReloaded), true, 'bob\'s page was not reloaded');
  });

  it('raises an unread badge in bob\'s thread list for a thread he follows, cleared when he opens it', async (t) => {
    if (!stack.notify) {
      t.skip('notification-service jar not packaged');
      return;
    }
    // Posting follows a thread: bob's mention earlier may have made him a follower already.
    const follow = b.page.getByRole('button', { name: 'Follow', exact: true });
    if (await follow.count()) await follow.click();
    await b.page.getByRole('button', { name: 'Following', exact: true }).waitFor();
    await b.page.getByRole('link', { name: 'All threads' }).click();
    const row = b.page.locator('.thread-row', { hasText: THREAD_TITLE });
    await row.waitFor();
    await live('unread badge', () => post(a.page, 'Unread for bob'), () => row.locator('.badge').waitFor({ timeout: LIVE_MS }));
    await row.getByRole('link').click();
    await message(b.page, 'Unread for bob').waitFor();
    await b.page.getByRole('link', { name: 'All threads' }).click();
    await row.waitFor();
    assert.equal(await row.locator('.badge').count(), 0, 'badge cleared after reading');
    assert.equal(await b.page.evaluate(() => window.e2eNotReloaded), true, 'bob\'s page was not reloaded');
  });

  it('shows bob\'s reply and the sub-thread he starts from alice\'s message in alice\'s view', async () => {
    await b.page.locator('.thread-row', { hasText: THREAD_TITLE }).getByRole('link').click();
    const target = message(b.page, 'After the restart');
    await target.getByRole('button', { name: 'Reply' }).click();
    await b.page.getByText(`Replying to ${ALICE.username}`).waitFor();
    // Markdown via the toolbar's shortcut: Ctrl+B wraps the selection (here: the placeholder) in **.
    const compose = b.page.getByLabel('Message', { exact: true });
    await compose.fill('A reply to the restart message, ');
    await compose.press('Control+b');
    await compose.pressSequentially('firmly');
    await live('reply', () => b.page.getByRole('button', { name: 'Send', exact: true }).click(), async () => {
      const reply = message(a.page, 'A reply to the restart message');
      await reply.getByRole('link', { name: `in reply to ${ALICE.username}` }).waitFor({ timeout: LIVE_MS });
      await reply.locator('strong', { hasText: 'firmly' }).waitFor({ timeout: LIVE_MS });
    });

    await target.getByRole('button', { name: 'Sub-thread' }).click();
    await b.page.getByLabel('Sub-thread title').fill(`Side topic ${suffix}`);
    await b.page.getByLabel('First message (optional)', { exact: true }).fill('Details of the side topic');
    await live('sub-thread count and link', () => b.page.getByRole('button', { name: 'Start sub-thread' }).click(), async () => {
      await message(a.page, 'After the restart').getByText('1 sub-thread').waitFor({ timeout: LIVE_MS });
      await a.page.getByRole('region', { name: 'Sub-threads' }).getByRole('link', { name: `Side topic ${suffix}` }).waitFor({ timeout: LIVE_MS });
    });
    await b.page.getByRole('heading', { name: `Side topic ${suffix}`, level: 1 }).waitFor();
    await message(b.page, 'Details of the side topic').waitFor();
    await b.page.getByRole('link', { name: 'Parent thread' }).click();
    await b.page.getByRole('heading', { name: THREAD_TITLE, level: 1 }).waitFor();
    assert.equal(await b.page.evaluate(() => window.e2eNotReloaded), true, 'bob\'s page was not reloaded');
  });

  it('stops showing the thread to bob when alice raises its tier above his (subscription revoked)', async () => {
    const controls = a.page.getByRole('form', { name: 'Moderator controls' });
    await controls.getByLabel('Minimum tier (cents)').fill('500');
    await live('tier raised -> bob\'s view closed', () => controls.getByRole('button', { name: 'Set tier' }).click(),
      () => b.page.getByText('This thread is now above your membership tier.').waitFor({ timeout: LIVE_MS }));
    assert.equal(await b.page.locator('ol.messages').isVisible(), false);
    await a.page.locator('.thread-header .tag-tier').waitFor();
  });

  it('pages a long thread backwards: opens at the newest page, live messages append, earlier pages on demand keep the scroll position', async () => {
    const PAGE = 50; // the client's page size (MESSAGE_PAGE in js/views/thread/pages.js)
    const total = PAGE + 10;
    const threadId = await a.page.evaluate(async ({ title, total }) => {
      const send = async (url, body) => {
        const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'forum' }, body: JSON.stringify(body) });
        if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
        return res.json();
      };
      const thread = await send('/api/forum/threads', { title, content: 'Long #1' });
      for (let i = 2; i <= total; i += 1) await send(`/api/forum/threads/${thread.id}/messages`, { content: `Long #${i}` });
      return thread.id;
    }, { title: `Long thread ${suffix}`, total });
    const bodies = () => b.page.locator('ol.messages > li[data-message-id] .message-body')
      .evaluateAll((els) => els.map((el) => el.textContent.trim()));
    const numbered = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => `Long #${from + i}`);

    await b.page.evaluate((id) => { location.hash = `#/threads/${id}`; }, threadId);
    const earlier = b.page.getByRole('button', { name: 'Load earlier messages' });
    await earlier.waitFor();
    assert.deepEqual(await bodies(), numbered(total - PAGE + 1, total), 'the newest page only');

    const postAsAlice = (content) => a.page.evaluate(async ({ id, content }) => {
      const res = await fetch(`/api/forum/threads/${id}/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'forum' }, body: JSON.stringify({ content }) });
      if (!res.ok) throw new Error(`post: ${res.status}`);
    }, { id: threadId, content });
    await live('new message at the bottom of the newest page', () => postAsAlice('Long tail, posted live'),
      () => message(b.page, 'Long tail, posted live').waitFor({ timeout: LIVE_MS }));
    assert.deepEqual(await bodies(), [...numbered(total - PAGE + 1, total), 'Long tail, posted live'], 'the live message appended');

    const oldFirst = message(b.page, `Long #${total - PAGE + 1}`);
    await earlier.scrollIntoViewIfNeeded();
    const topBefore = await oldFirst.evaluate((el) => el.getBoundingClientRect().top);
    await earlier.click();
    await earlier.waitFor({ state: 'hidden' });
    assert.deepEqual(await bodies(), [...numbered(1, total), 'Long tail, posted live'], 'the earlier page above, every message once');
    const topAfter = await oldFirst.evaluate((el) => el.getBoundingClientRect().top);
    assert.ok(Math.abs(topAfter - topBefore) <= 1, `the message the reader looked at stays in place (${topBefore} -> ${topAfter})`);

    await live('new message after paging', () => postAsAlice('Long, after paging'),
      () => message(b.page, 'Long, after paging').waitFor({ timeout: LIVE_MS }));
    const shown = await b.page.locator('ol.messages > li[data-message-id]').evaluateAll((lis) => lis.map((li) => Number(li.dataset.messageId)));
    const stored = await b.page.evaluate(async (id) => (await (await fetch(`/api/forum/threads/${id}?limit=200`)).json()).messages.map((m) => m.id), threadId);
    assert.deepEqual(shown, stored, 'every message of the thread, once, in order');

    // A link to a message before the newest page (as in a notification) loads the pages back to it.
    const target = await b.page.locator('ol.messages > li')
      .filter({ has: b.page.locator('.message-body', { hasText: /^\s*Long #5\s*$/ }) }).getAttribute('data-message-id');
    await b.page.evaluate(() => { location.hash = '#/threads'; });
    await b.page.getByRole('heading', { name: 'Threads', level: 1 }).waitFor();
    await b.page.evaluate(({ id, target }) => { location.hash = `#/threads/${id}/messages/${target}`; }, { id: threadId, target });
    await b.page.waitForFunction((id) => document.activeElement?.closest('li')?.dataset.messageId === id, target);
    assert.deepEqual(await bodies(), [...numbered(1, total), 'Long tail, posted live', 'Long, after paging']);
    assert.equal(await earlier.isVisible(), false, 'no earlier messages left to load');
    assert.equal(await b.page.evaluate(() => window.e2eNotReloaded), true, 'bob\'s page was not reloaded');
  });

  it('pages alice\'s notifications: the first page, then older ones as she scrolls to the end', async (t) => {
    if (!stack.notify) {
      t.skip('notification-service jar not packaged');
      return;
    }
    const PAGE = 30; // the client's page size (js/notification-store.js)
    const mentions = PAGE + 5;
    const threadId = await b.page.evaluate(async ({ title, mention, mentions }) => {
      const send = async (url, body) => {
        const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'forum' }, body: JSON.stringify(body) });
        if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
        return res.json();
      };
      const thread = await send('/api/forum/threads', { title, content: `${mention} #1` });
      for (let i = 2; i <= mentions; i += 1) await send(`/api/forum/threads/${thread.id}/messages`, { content: `${mention} #${i}` });
      return thread.id;
    }, { title: `Mentions ${suffix}`, mention: `@${ALICE.username}`, mentions });
    // notification-service consumes the feed asynchronously: wait until it stored every mention.
    const stored = await a.page.evaluate(async ({ threadId, mentions }) => {
      for (let i = 0; i < 100; i += 1) {
        const body = await (await fetch('/api/forum/notifications?limit=100')).json();
        // Mentions only: the thread's new_thread notification must not stand in for the last mention.
        if (body.notifications.filter((n) => n.thread_id === threadId && n.type === 'mention').length >= mentions) {
          return body.notifications.map((n) => String(n.id));
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('mention notifications not stored in time');
    }, { threadId, mentions });
    assert.ok(stored.length > PAGE);

    await a.page.getByRole('link', { name: /^Notifications/ }).click();
    await a.page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
    const items = a.page.locator('.notification-list li.notification');
    // The list first shows what the store holds (live pushes included), then the fresh first page.
    await a.page.waitForFunction((n) => document.querySelectorAll('.notification-list li.notification').length === n, PAGE);
    assert.equal(await items.count(), PAGE, 'the first page only');
    const more = a.page.getByRole('button', { name: 'Load older notifications' });
    while (await more.isVisible()) {
      const before = await items.count();
      await more.scrollIntoViewIfNeeded();
      await items.nth(before).waitFor({ timeout: LIVE_MS });
    }
    const shown = await items.evaluateAll((lis) => lis.map((li) => li.dataset.notificationId));
    assert.deepEqual(shown, stored, 'every notification once, newest first');
  });

  it('searches from the header (shortcut /): finds a message bob may read, never one of a thread above his tier', async () => {
    const word = `xyzzy${suffix}`;
    // The release thread is above bob's tier since the tier test; the long thread is open to him.
    const [gated, open] = await a.page.evaluate(async (titles) => {
      const list = await (await fetch('/api/forum/threads?limit=100')).json();
      return titles.map((t) => list.threads.find((x) => x.title === t).id);
    }, [THREAD_TITLE, `Long thread ${suffix}`]);
    const ids = await a.page.evaluate(async ({ gated, open, word }) => {
      const send = async (id, content) => (await (await fetch(`/api/forum/threads/${id}/messages`, {
        method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'forum' }, body: JSON.stringify({ content }) })).json()).id;
      return { hidden: await send(gated, `Hidden ${word} for supporters`), shown: await send(open, `Searchable ${word} notes`) };
    }, { gated, open, word });

    await b.page.setViewportSize({ width: 1000, height: 900 });
    await b.page.evaluate(() => document.activeElement?.blur());
    await b.page.keyboard.press('/');
    assert.equal(await b.page.evaluate(() => document.activeElement?.id), 'site-search-q', '/ focuses the search box');
    await b.page.keyboard.type(word);
    await b.page.keyboard.press('Enter');
    await b.page.getByRole('heading', { name: 'Search', level: 1 }).waitFor();
    const results = b.page.locator('.search-results > li');
    await b.page.getByText(`1 result for “${word}”`).waitFor({ timeout: LIVE_MS });
    assert.equal(await results.count(), 1);
    assert.equal(await results.first().getAttribute('data-message-id'), String(ids.shown));
    assert.equal(await results.first().locator('mark').textContent(), word);
    assert.equal(await b.page.getByText('Hidden').count(), 0, 'the gated thread\'s message is never found');
    await shots(b.page, 'search');

    // Alice is an admin: she reads every tier, so she finds both.
    await a.page.evaluate((w) => { location.hash = `#/search?q=${encodeURIComponent(w)}`; }, word);
    await a.page.getByText(`2 results for “${word}”`).waitFor({ timeout: LIVE_MS });

    await results.first().getByRole('link').click();
    await b.page.waitForFunction((id) => document.activeElement?.closest('li')?.dataset.messageId === id, String(ids.shown));
  });

  it('reopens a thread at bob\'s first unread message, and shows "new messages below" and a title count when he is scrolled up', async () => {
    const threadId = await b.page.evaluate(async (title) => (await (await fetch('/api/forum/threads?limit=100')).json())
      .threads.find((t) => t.title === title).id, `Long thread ${suffix}`);
    await b.page.evaluate((id) => { location.hash = `#/threads/${id}`; }, threadId);
    await message(b.page, 'Searchable').waitFor();
    const serverPosition = () => b.page.evaluate(async (id) => (await (await fetch(`/api/forum/threads/${id}?latest=true&limit=1`)).json()), threadId);
    // Bob reads to the end; the client saves his position.
    await b.page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    const newest = (await serverPosition()).messages[0].id;
    await b.page.waitForFunction(async ({ id, newest }) => {
      const body = await (await fetch(`/api/forum/threads/${id}?latest=true&limit=1`)).json();
      return body.last_read_message_id === newest;
    }, { id: threadId, newest }, { timeout: LIVE_MS, polling: 200 });
    await b.page.evaluate(() => { location.hash = '#/threads'; });
    await b.page.getByRole('heading', { name: 'Threads', level: 1 }).waitFor();

    const postAsAlice = (content) => a.page.evaluate(async ({ id, content }) => {
      const res = await fetch(`/api/forum/threads/${id}/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'forum' }, body: JSON.stringify({ content }) });
      if (!res.ok) throw new Error(`post: ${res.status}`);
    }, { id: threadId, content });
    for (const n of [1, 2, 3]) await postAsAlice(`Unread since bob left #${n}`);

    await b.page.evaluate((id) => { location.hash = `#/threads/${id}`; }, threadId);
    const divider = b.page.locator('ol.messages > li.new-divider');
    await divider.waitFor({ timeout: LIVE_MS });
    assert.equal(await divider.textContent(), 'New since your last visit');
    assert.match(await divider.evaluate((el) => el.nextElementSibling.textContent), /Unread since bob left #1/, 'the divider sits on the first unread');
    // A fraction of a pixel above 0: the scroll offset is whole pixels, the layout is not.
    const onScreen = await divider.evaluate((el) => { const r = el.getBoundingClientRect(); return r.top > -1 && r.top < window.innerHeight; });
    assert.ok(onScreen, 'the thread opens at the divider');
    await shots(b.page, 'read-position', () => divider.scrollIntoViewIfNeeded());

    // Scrolled up, a new message does not pull the view down: a pill says so, and the tab title counts it.
    await b.page.evaluate(() => window.scrollTo(0, 0));
    await postAsAlice('Arrived while bob was scrolled up');
    const pill = b.page.locator('button.jump-latest', { hasText: '1 new message below' });
    await pill.waitFor({ timeout: LIVE_MS });
    await b.page.waitForFunction(() => document.title.startsWith('(1) '));
    await shots(b.page, 'new-messages-pill', async () => {
      await b.page.evaluate(() => window.scrollTo(0, 0));
      await pill.waitFor();
    });
    await pill.click();
    await b.page.waitForFunction(() => !document.title.startsWith('('));
    const seen = await message(b.page, 'Arrived while bob was scrolled up').evaluate((el) => { const r = el.getBoundingClientRect(); return r.top < window.innerHeight && r.bottom > 0; });
    assert.ok(seen, 'the pill scrolls to the new message');
    assert.equal(await b.page.evaluate(() => window.e2eNotReloaded), true, 'bob\'s page was not reloaded');
  });

  it('signs alice out: her page shows the sign-in form and her socket is closed', async () => {
    await a.page.getByRole('button', { name: 'Sign out' }).click();
    await a.page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
    await a.page.locator('#connection-status[data-state="closed"]').waitFor();
    assert.equal(await a.page.getByRole('link', { name: /^Notifications/ }).isVisible(), false);
  });

  it('ran without CSP violations or uncaught errors under default-src \'self\'', () => {
    assert.deepEqual([...a.problems, ...b.problems], []);
  });
});
