// Thread view: puts the parts in ./thread/ together: header, messages (opened at the first unread
// or the newest, earlier pages on demand), live events, typing line, sub-threads, reply box. It
// owns the loading: subscribe first, then the REST snapshot; live events that arrive meanwhile
// wait and are applied after it.
import { h, replaceChildren } from '../dom.js';
import { ReadTracker } from '../read-position.js';
import { threadHeader } from './thread/header.js';
import { applyEvent, concernsThread } from './thread/live-events.js';
import { messageActions } from './thread/message-actions.js';
import { messageList } from './thread/message-list.js';
import { fetchMessagePage, fetchThread } from './thread/pages.js';
import { replyBox } from './thread/reply-box.js';
import { subThreadList } from './thread/sub-threads.js';
import { typingLine } from './thread/typing.js';

export function renderThread(ctx, main, { id: threadId, focus }) {
  const me = ctx.me;
  const conn = ctx.conn;
  const state = { thread: null, isFollowing: false };
  let loaded = false;
  let pending = []; // live events that arrived while the REST snapshot (or a page) was loading
  // Keyset paging backwards: messages from the first loaded one to the newest are shown;
  // `hasEarlier` says earlier ones exist that are not loaded yet. New messages are always the
  // newest, so they are appended live; events about unloaded earlier messages are skipped.
  let hasEarlier = false;
  let loads = 0; // full loads so far: a page answer from before a reload is dropped
  let markReadTimer = null;
  let disposed = false;

  const notice = h('p', { class: 'notice', role: 'alert', hidden: true });
  const list = h('ol', { class: 'messages', 'aria-label': 'Messages', 'aria-busy': 'true' });
  const announcer = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const typing = typingLine(me);
  const reader = new ReadTracker({ threadId, list, title: () => state.thread?.title });
  const earlierButton = h('button', { type: 'button', class: 'load-more', hidden: true, onclick: () => loadEarlier() }, 'Load earlier messages');
  const subThreads = subThreadList();
  const messages = messageList({
    ctx, threadId, me, list, reader,
    on: {
      like: (id) => actions.like(id),
      reply: (id) => reply.setReplyTo(id),
      subThread: (id) => actions.subThread(id),
      edit: (id) => actions.edit(id),
      delete: (id) => actions.delete(id),
      restrict: (m) => actions.restrict(m),
      show: (id) => showMessage(id),
      showSubThreads: () => subThreads.element.scrollIntoView(),
      removed: (id) => reply.removed(id),
      arrived: (m) => {
        announcer.textContent = `New message from ${m.username}`;
        scheduleMarkRead();
      },
    },
  });
  const actions = messageActions({ ctx, threadId, messages });
  const reply = replyBox({
    threadId, me, conn,
    messageById: (id) => messages.messages.get(id),
    onSent: (created) => {
      messages.add(created);
      messages.nodes.get(created.id)?.scrollIntoView({ block: 'nearest' });
      reader.update();
    },
  });
  const header = threadHeader({ ctx, threadId, state, onDraw: (locked) => reply.setLocked(locked) });
  const live = { messages, typing, subThreads, state, header, me, gone: showGone };

  function drawEarlierButton() {
    earlierButton.hidden = !hasEarlier;
  }

  /**
   * Loads the page before the first loaded message (keyset: before_message_id) above the list,
   * keeping what the reader looks at in place. Live events arriving meanwhile are queued and
   * applied after the page, like after the first load. Resolves to true when a page was added.
   */
  let paging = null;
  function loadEarlier() {
    if (paging) return paging;
    if (!hasEarlier || !loaded) return Promise.resolve(false);
    const generation = loads;
    loaded = false;
    earlierButton.disabled = true;
    list.setAttribute('aria-busy', 'true');
    paging = (async () => {
      try {
        const page = await fetchMessagePage(threadId, messages.firstLoadedId());
        if (disposed || generation !== loads) return false; // a full reload replaced the view
        const anchor = list.querySelector('li[data-message-id]');
        const top = anchor?.getBoundingClientRect().top;
        const fresh = page.messages.filter((m) => !messages.messages.has(m.id));
        for (const m of page.messages) messages.add(m);
        if (anchor) window.scrollBy(0, anchor.getBoundingClientRect().top - top);
        hasEarlier = page.hasEarlier;
        const lastNew = fresh[fresh.length - 1];
        if (lastNew && !hasEarlier && document.activeElement === earlierButton) {
          messages.nodes.get(lastNew.id)?.querySelector('article').focus({ preventScroll: true });
        }
        return true;
      } catch (err) {
        ctx.toast(`Could not load earlier messages: ${err.message}`, { kind: 'error' });
        return false;
      } finally {
        paging = null;
        earlierButton.disabled = false;
        if (generation === loads) {
          list.setAttribute('aria-busy', 'false');
          drawEarlierButton();
          flushPending();
        }
      }
    })();
    return paging;
  }

  function flushPending() {
    loaded = true;
    const queued = pending;
    pending = [];
    for (const f of queued) applyEvent(f, live);
  }

  /** Focuses a message, loading earlier pages first while it is before the loaded ones. */
  async function showMessage(id) {
    while (!messages.nodes.has(Number(id)) && hasEarlier && messages.firstLoadedId() > Number(id) && !disposed) {
      if (!await loadEarlier()) break;
    }
    messages.focus(id);
  }

  function onEvent(frame) {
    if (!concernsThread(frame, threadId)) return;
    if (!loaded) { pending.push(frame); return; }
    applyEvent(frame, live);
  }

  function scheduleMarkRead() {
    clearTimeout(markReadTimer);
    markReadTimer = setTimeout(() => {
      if (!disposed && document.visibilityState === 'visible') ctx.notifications.markThreadRead(threadId);
    }, 1000);
  }

  /** The thread was deleted or left the user's tier: stop showing it (nothing more arrives live). */
  function showGone(text) {
    notice.hidden = false;
    notice.textContent = text;
    reply.element.hidden = true;
    list.hidden = true;
    subThreads.element.hidden = true;
    reply.stopTyping();
  }

  async function load() {
    loads += 1;
    loaded = false;
    list.setAttribute('aria-busy', 'true');
    try {
      // A reload (resync, reconnect) keeps at least the pages the view showed; a focus link loads
      // the pages back to its message.
      const from = [messages.firstLoadedId(), Number(focus) || 0].filter((id) => id > 0);
      const first = loads === 1;
      const body = await fetchThread(threadId, { from: from.length ? Math.min(...from) : 0, toLastRead: first && !focus });
      if (disposed) return;
      state.thread = body.thread;
      state.isFollowing = body.isFollowing;
      document.title = `${state.thread.title} · Forum`;
      messages.clear();
      for (const m of body.messages) messages.add(m);
      hasEarlier = body.hasEarlier;
      drawEarlierButton();
      if (!messages.messages.size) list.append(h('li', { class: 'empty muted' }, 'No messages yet.'));
      subThreads.replace(body.subThreads);
      header.draw();
      if (notice.hidden) reply.element.hidden = false;
      flushPending();
      list.setAttribute('aria-busy', 'false');
      ctx.notifications.markThreadRead(threadId);
      // Opens at the first message after the reader's last visit (the divider), else at the newest.
      const divider = reader.loaded(body.lastRead);
      if (focus) messages.focus(focus);
      else if (first && divider) divider.scrollIntoView({ block: 'start' });
      else if (first) list.lastElementChild?.scrollIntoView({ block: 'nearest' });
      reader.update();
    } catch (err) {
      if (disposed) return;
      notice.hidden = false;
      notice.textContent = err.status === 404 ? 'This thread does not exist (or was deleted).'
        : err.status === 403 ? 'You are not allowed to read this thread.' : `Could not load the thread: ${err.message}`;
      reply.element.hidden = true;
      list.setAttribute('aria-busy', 'false');
    }
  }

  const offs = [
    conn?.on('event', onEvent),
    conn?.on('resync', (f) => {
      if (Number(f.thread_id) === threadId && !disposed) load();
    }),
    conn?.on('revoked', (f) => {
      if (Number(f.thread_id) !== threadId) return;
      showGone(f.reason === 'thread_deleted' ? 'This thread has been deleted.'
        : f.reason === 'access_lost' ? 'This thread is now above your membership tier.'
          : 'This thread is no longer available to you.');
    }),
  ];

  replaceChildren(main, header.element, notice, announcer,
    h('section', { 'aria-labelledby': 'thread-title' }, earlierButton, list, typing.element, reader.button), subThreads.element, reply.element);
  main.focus({ preventScroll: true });
  // Subscribe first and wait for the gateway's ack, then load: an event committed during the
  // load arrives live and is queued, applied after the snapshot, deduplicated by message id.
  ctx.openThreadId = threadId;
  const subscribed = conn ? conn.subscribe(threadId) : Promise.resolve();
  subscribed.then(() => { if (!disposed) load(); });

  return () => {
    disposed = true;
    reader.dispose();
    ctx.openThreadId = null;
    reply.stopTyping();
    clearTimeout(markReadTimer);
    typing.dispose();
    for (const off of offs) off?.();
    conn?.unsubscribe(threadId);
    document.title = 'Forum';
  };
}
