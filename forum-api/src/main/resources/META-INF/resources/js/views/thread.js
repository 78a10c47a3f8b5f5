// Thread view: messages (server-rendered Markdown; opened at the newest page, earlier pages on
// demand by before_message_id), live
// new/edited/deleted messages, likes, sub-threads, typing indicator, reply/edit/delete/like/follow,
// moderator controls.
import { del, get, patch, post, put, query } from '../api.js';
import { h, plural, replaceChildren, tierLabel, time, trustedHtml } from '../dom.js';
import { imageAttachments } from '../attachments.js';
import { keepDraft } from '../drafts.js';
import { highlightMentions, mentionAutocomplete } from '../mentions.js';
import { ReadTracker } from '../read-position.js';
import { busy, errorBox, field, inlineForm, markdownField, restrictionBody } from './form.js';

const TYPING_SEND_EVERY_MS = 3000;
const TYPING_IDLE_MS = 4000;
const TYPING_SHOW_MS = 6000;

export const MESSAGE_PAGE = 50;
/** Opening at the first unread message loads at most this many pages back (older unread: "Load earlier"). */
const MAX_PAGES_BACK_TO_UNREAD = 10;

/**
 * One page of a thread: GET /api/forum/threads/{id}?latest=true (the newest page) or
 * ?before_message_id=&limit= (the page immediately before a message) answers
 * {thread, is_following, messages (oldest first), has_earlier}.
 */
export async function fetchMessagePage(threadId, beforeMessageId = 0) {
  const params = beforeMessageId ? { limit: MESSAGE_PAGE, before_message_id: beforeMessageId } : { limit: MESSAGE_PAGE, latest: true };
  const page = await get(`/api/forum/threads/${threadId}${query(params)}`);
  const messages = page.messages ?? [];
  return {
    thread: page.thread, isFollowing: Boolean(page.is_following), messages, hasEarlier: Boolean(page.has_earlier) && messages.length > 0,
    lastRead: page.last_read_message_id ?? 0,
  };
}

/**
 * Loads a thread, its sub-threads and its newest page of messages, then earlier pages only while
 * the first loaded message is above `from` (a message to focus, or the first message the view
 * showed before a reload) or, with `toLastRead`, above the caller's read position (at most
 * MAX_PAGES_BACK_TO_UNREAD pages). Answers {thread, isFollowing, messages, hasEarlier, subThreads, lastRead}.
 */
export async function fetchThread(threadId, { from = 0, toLastRead = false } = {}) {
  const newest = await fetchMessagePage(threadId);
  const messages = [...newest.messages];
  let hasEarlier = newest.hasEarlier;
  const unreadFrom = toLastRead && newest.lastRead > 0 ? newest.lastRead : 0;
  let pagesToUnread = MAX_PAGES_BACK_TO_UNREAD;
  while (hasEarlier && ((from > 0 && messages[0].id > from) || (unreadFrom > 0 && messages[0].id > unreadFrom && pagesToUnread-- > 0))) {
    const page = await fetchMessagePage(threadId, messages[0].id);
    messages.unshift(...page.messages);
    hasEarlier = page.hasEarlier;
  }
  let subThreads = [];
  try {
    subThreads = (await get(`/api/forum/threads${query({ parent_thread_id: threadId, limit: 100 })}`))?.threads ?? [];
  } catch { /* the list is a convenience; the thread itself loaded */ }
  return { thread: newest.thread, isFollowing: newest.isFollowing, messages, hasEarlier, subThreads, lastRead: newest.lastRead };
}

export function typingText(names) {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names.length} people are typing…`;
}

export function renderThread(ctx, main, { id: threadId, focus }) {
  const me = ctx.me;
  const conn = ctx.conn;
  let thread = null;
  let isFollowing = false;
  let loaded = false;
  let pending = []; // live events that arrived while the REST snapshot (or a page) was loading
  // Keyset paging backwards: messages from `firstLoadedId` to the newest are shown; `hasEarlier`
  // says earlier ones exist that are not loaded yet. New messages are always the newest, so they
  // are appended live; events about unloaded earlier messages are skipped (their page brings them).
  let firstLoadedId = 0;
  let hasEarlier = false;
  let loads = 0; // full loads so far: a page answer from before a reload is dropped
  const messages = new Map(); // id -> MessageView
  const nodes = new Map(); // id -> <li>
  const liked = new Set(); // message ids liked by me
  const subThreads = new Map(); // sub-thread id -> ThreadView
  const typers = new Map(); // user id -> {username, timer}
  let replyTo = null;
  let markReadTimer = null;
  let disposed = false;

  const header = h('header', { class: 'thread-header' });
  const notice = h('p', { class: 'notice', role: 'alert', hidden: true });
  const list = h('ol', { class: 'messages', 'aria-label': 'Messages', 'aria-busy': 'true' });
  const announcer = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const typingEl = h('p', { class: 'typing', 'aria-live': 'polite' });
  const reader = new ReadTracker({ threadId, list, title: () => thread?.title });
  const earlierButton = h('button', { type: 'button', class: 'load-more', hidden: true, onclick: () => loadEarlier() }, 'Load earlier messages');
  const subList = h('ul', { class: 'sub-threads', 'aria-label': 'Sub-threads' });
  const subSection = h('section', { class: 'card', 'aria-labelledby': 'sub-h', hidden: true },
    h('h2', { id: 'sub-h' }, 'Sub-threads'), subList);

  // --- compose -------------------------------------------------------------------------
  const content = h('textarea', { name: 'content', rows: 4, required: true });
  const replyBanner = h('p', { class: 'reply-banner', hidden: true });
  const composeBox = errorBox();
  const sendButton = h('button', { type: 'submit', class: 'primary' }, 'Send');
  const compose = h('form', { class: 'card compose', 'aria-labelledby': 'compose-h', hidden: true },
    h('h2', { id: 'compose-h' }, 'Reply to thread'), composeBox, replyBanner,
    markdownField('Message', content, 'Markdown supported. Ctrl+Enter sends. Mention with @username, @team, @everyone. Paste or drop images.'),
    sendButton);
  sendButton.before(imageAttachments(content));
  mentionAutocomplete(content, { threadId });
  const draft = me ? keepDraft(content, me.id, `thread:${threadId}`) : null;
  let typingSentAt = 0;
  let typingIdle = null;
  function stopTyping() {
    clearTimeout(typingIdle);
    if (typingSentAt) conn?.sendTyping(threadId, false);
    typingSentAt = 0;
  }
  content.addEventListener('input', () => {
    if (!content.value) { stopTyping(); return; }
    if (Date.now() - typingSentAt > TYPING_SEND_EVERY_MS) {
      conn?.sendTyping(threadId, true);
      typingSentAt = Date.now();
    }
    clearTimeout(typingIdle);
    typingIdle = setTimeout(stopTyping, TYPING_IDLE_MS);
  });
  content.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) compose.requestSubmit();
  });
  compose.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!content.value.trim()) return;
    busy(compose, composeBox, async () => {
      const body = { content: content.value };
      if (replyTo) body.reply_to_id = replyTo;
      const created = await post(`/api/forum/threads/${threadId}/messages`, body);
      stopTyping();
      content.value = '';
      draft?.clear();
      setReplyTo(null);
      addMessage(created);
      nodes.get(created.id)?.scrollIntoView({ block: 'nearest' });
      reader.update();
    }).then(() => content.focus());
  });

  function setReplyTo(id) {
    replyTo = id;
    const m = id ? messages.get(id) : null;
    if (!m) {
      replyTo = null;
      replyBanner.hidden = true;
      return;
    }
    replaceChildren(replyBanner, `Replying to ${m.username}`, ' ',
      h('button', { type: 'button', class: 'linkish', onclick: () => setReplyTo(null) }, 'Cancel reply'));
    replyBanner.hidden = false;
    content.focus();
  }

  // --- header and moderator controls ---------------------------------------------------
  function drawHeader() {
    const t = thread;
    const staff = ctx.isStaff();
    const followBtn = h('button', { type: 'button', 'aria-pressed': String(isFollowing), onclick: toggleFollow },
      isFollowing ? 'Following' : 'Follow');
    const controls = staff ? moderatorControls(t) : null;
    replaceChildren(header,
      t.parent_thread_id ? h('p', { class: 'crumb' }, h('a', { href: `#/threads/${t.parent_thread_id}` }, '← Parent thread')) : h('p', { class: 'crumb' }, h('a', { href: '#/threads' }, '← All threads')),
      h('h1', { id: 'thread-title' }, t.title),
      h('p', { class: 'thread-meta' },
        t.is_pinned ? h('span', { class: 'tag tag-pin' }, 'Pinned') : null,
        t.is_locked ? h('span', { class: 'tag tag-lock' }, 'Locked') : null,
        t.min_tier_cents > 0 ? h('span', { class: 'tag tag-tier' }, tierLabel(t.min_tier_cents)) : null,
        h('span', {}, `started by ${t.username ?? 'unknown'}`), ' · ', time(t.created_at), ' ', followBtn),
      controls);
    const locked = t.is_locked && !staff;
    content.disabled = locked;
    sendButton.disabled = locked;
    if (locked) { composeBox.hidden = false; composeBox.textContent = 'This thread is locked.'; } else if (composeBox.textContent === 'This thread is locked.') { composeBox.hidden = true; composeBox.textContent = ''; }
  }

  function moderatorControls(t) {
    const box = errorBox();
    const tier = h('input', { name: 'min_tier_cents', type: 'number', min: 0, step: 1, value: t.min_tier_cents ?? 0, inputmode: 'numeric' });
    const update = (changes) => busy(form, box, async () => {
      Object.assign(thread, await patch(`/api/forum/threads/${threadId}`, changes));
      drawHeader();
    });
    const form = h('form', { class: 'mod-controls', 'aria-label': 'Moderator controls' }, box,
      h('button', { type: 'button', 'aria-pressed': String(Boolean(t.is_pinned)), onclick: () => update({ is_pinned: !t.is_pinned }) }, t.is_pinned ? 'Unpin' : 'Pin'),
      h('button', { type: 'button', 'aria-pressed': String(Boolean(t.is_locked)), onclick: () => update({ is_locked: !t.is_locked }) }, t.is_locked ? 'Unlock' : 'Lock'),
      field('Minimum tier (cents)', tier),
      h('button', { type: 'submit' }, 'Set tier'),
      h('button', {
        type: 'button', class: 'danger', onclick: () => {
          if (!window.confirm(`Delete the thread “${t.title}” and all its messages?`)) return;
          busy(form, box, async () => { await del(`/api/forum/threads/${threadId}`); ctx.navigate('#/threads'); });
        },
      }, 'Delete thread'));
    form.addEventListener('submit', (e) => { e.preventDefault(); update({ min_tier_cents: Number(tier.value) || 0 }); });
    return form;
  }

  async function toggleFollow() {
    try {
      if (isFollowing) await del(`/api/forum/threads/${threadId}/follow`); else await post(`/api/forum/threads/${threadId}/follow`);
      isFollowing = !isFollowing;
      drawHeader();
    } catch (err) {
      ctx.toast(`Could not change follow: ${err.message}`, { kind: 'error' });
    }
  }

  // --- messages ----------------------------------------------------------------------------
  function canEdit(m) { return me && m.user_id === me.id; }
  function canDelete(m) { return me && (m.user_id === me.id || ctx.isStaff()); }

  function messageNode(m) {
    const headingId = `m${m.id}-author`;
    const body = trustedHtml(h('div', { class: 'message-body' }), m.content_html);
    const mentionsMe = highlightMentions(body, me, ctx.isStaff());
    const replyRef = m.reply_to_id
      ? h('p', { class: 'reply-ref' }, h('a', { href: `#/threads/${threadId}/messages/${m.reply_to_id}`, onclick: (e) => { e.preventDefault(); showMessage(m.reply_to_id); } },
        `in reply to ${messages.get(m.reply_to_id)?.username ?? 'a message'}`))
      : null;
    const isLiked = liked.has(m.id);
    const likeBtn = h('button', {
      type: 'button', class: 'like', 'aria-pressed': String(isLiked),
      'aria-label': `${isLiked ? 'Unlike' : 'Like'} (${plural(m.like_count ?? 0, 'like')})`, onclick: () => toggleLike(m.id),
    }, h('span', { 'aria-hidden': 'true' }, isLiked ? '♥' : '♡'), ' ', h('span', { class: 'like-count' }, String(m.like_count ?? 0)));
    const subCount = m.spawned_thread_count ?? 0;
    const actions = h('div', { class: 'message-actions', role: 'group', 'aria-label': `Actions on ${m.username ?? 'this'}’s message` },
      likeBtn,
      h('button', { type: 'button', onclick: () => setReplyTo(m.id) }, 'Reply'),
      h('button', { type: 'button', onclick: () => openSubThreadForm(m.id) }, 'Sub-thread'),
      canEdit(m) ? h('button', { type: 'button', onclick: () => startEdit(m.id) }, 'Edit') : null,
      canDelete(m) ? h('button', { type: 'button', class: 'danger', onclick: () => deleteMessage(m.id) }, 'Delete') : null,
      ctx.isStaff() && m.user_id !== me?.id ? h('button', { type: 'button', onclick: () => openRestrictForm(m) }, 'Restrict @everyone') : null,
      subCount > 0 ? h('a', { class: 'sub-count', href: '#sub-h', onclick: (e) => { e.preventDefault(); subSection.scrollIntoView(); } }, plural(subCount, 'sub-thread')) : null);
    return h('li', { id: `message-${m.id}`, dataset: { messageId: m.id } },
      h('article', { class: mentionsMe ? 'message mentions-me' : 'message', 'aria-labelledby': headingId, tabindex: '-1' },
        h('header', { class: 'message-head' },
          h('strong', { id: headingId }, m.username ? h('a', { class: 'author', href: `#/users/${encodeURIComponent(m.username)}` }, m.username) : 'unknown'), ' ', time(m.created_at),
          m.is_edited ? h('span', { class: 'edited', title: m.edited_at ? new Date(m.edited_at).toLocaleString() : '' }, ' (edited)') : null),
        replyRef, body, actions,
        h('div', { class: 'message-extra' })));
  }

  function redraw(id) {
    const m = messages.get(id);
    const old = nodes.get(id);
    if (!m || !old) return;
    const fresh = messageNode(m);
    old.replaceWith(fresh);
    nodes.set(id, fresh);
  }

  /** Inserts a message once (REST answer and live event may both carry it), ordered by id. */
  function addMessage(m, { live = false } = {}) {
    if (!m || m.id == null) return;
    // is_liked is the caller's own state and comes with REST reads only (events and write
    // answers omit it): it sets the like button's aria-pressed on first render.
    if (m.is_liked === true) liked.add(m.id); else if (m.is_liked === false) liked.delete(m.id);
    if (messages.has(m.id)) {
      Object.assign(messages.get(m.id), m);
      redraw(m.id);
      return;
    }
    messages.set(m.id, m);
    firstLoadedId = firstLoadedId ? Math.min(firstLoadedId, m.id) : m.id;
    const node = messageNode(m);
    nodes.set(m.id, node);
    // A reader at the bottom follows the conversation; one scrolled up gets the "new below" button.
    const follow = live && reader.atBottom();
    const after = [...list.children].find((li) => Number(li.dataset.messageId) > m.id);
    if (after) after.before(node); else list.append(node);
    list.querySelector('.empty')?.remove();
    if (live && m.user_id !== me?.id) {
      announcer.textContent = `New message from ${m.username}`;
      scheduleMarkRead();
    }
    if (follow) node.scrollIntoView({ block: 'nearest' });
    if (live) reader.update();
  }

  function removeMessages(ids) {
    for (const id of ids) {
      messages.delete(id);
      nodes.get(id)?.remove();
      nodes.delete(id);
      if (replyTo === id) setReplyTo(null);
    }
    reader.update();
  }

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
        const page = await fetchMessagePage(threadId, firstLoadedId);
        if (disposed || generation !== loads) return false; // a full reload replaced the view
        const anchor = list.querySelector('li[data-message-id]');
        const top = anchor?.getBoundingClientRect().top;
        const fresh = page.messages.filter((m) => !messages.has(m.id));
        for (const m of page.messages) addMessage(m);
        if (anchor) window.scrollBy(0, anchor.getBoundingClientRect().top - top);
        hasEarlier = page.hasEarlier;
        const lastNew = fresh[fresh.length - 1];
        if (lastNew && !hasEarlier && document.activeElement === earlierButton) {
          nodes.get(lastNew.id)?.querySelector('article').focus({ preventScroll: true });
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
    for (const f of queued) apply(f);
  }

  /** Focuses a message, loading earlier pages first while it is before the loaded ones. */
  async function showMessage(id) {
    while (!nodes.has(Number(id)) && hasEarlier && firstLoadedId > Number(id) && !disposed) {
      if (!await loadEarlier()) break;
    }
    focusMessage(id);
  }

  function focusMessage(id) {
    const node = nodes.get(Number(id));
    if (!node) return;
    node.scrollIntoView({ block: 'center' });
    node.querySelector('article').focus();
  }

  async function toggleLike(id) {
    const wasLiked = liked.has(id);
    try {
      const res = wasLiked ? await del(`/api/forum/messages/${id}/like`) : await post(`/api/forum/messages/${id}/like`);
      if (res?.is_liked ?? !wasLiked) liked.add(id); else liked.delete(id);
      const m = messages.get(id);
      if (m && typeof res?.like_count === 'number') m.like_count = res.like_count;
      redraw(id);
      nodes.get(id)?.querySelector('button.like')?.focus();
    } catch (err) {
      ctx.toast(`Could not ${wasLiked ? 'unlike' : 'like'}: ${err.message}`, { kind: 'error' });
    }
  }

  function startEdit(id) {
    const m = messages.get(id);
    const node = nodes.get(id);
    if (!m || !node) return;
    const text = h('textarea', { name: 'content', rows: 4, required: true });
    text.value = m.content ?? '';
    const box = errorBox();
    const form = h('form', { class: 'edit-form', 'aria-label': 'Edit message' }, box, markdownField('Edited text', text),
      h('button', { type: 'submit', class: 'primary' }, 'Save'),
      h('button', { type: 'button', onclick: () => { redraw(id); nodes.get(id)?.querySelector('article')?.focus(); } }, 'Cancel'));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      busy(form, box, async () => {
        Object.assign(m, await patch(`/api/forum/messages/${id}`, { content: text.value }));
        redraw(id);
      });
    });
    mentionAutocomplete(text, { threadId });
    node.querySelector('.message-body').replaceWith(form);
    node.querySelector('.message-actions').hidden = true;
    text.focus();
  }

  async function deleteMessage(id) {
    if (!window.confirm('Delete this message and its replies?')) return;
    try {
      const res = await del(`/api/forum/messages/${id}`);
      removeMessages(res?.message_ids ?? [id]);
    } catch (err) {
      ctx.toast(`Could not delete: ${err.message}`, { kind: 'error' });
    }
  }

  function openSubThreadForm(id) {
    const extra = nodes.get(id)?.querySelector('.message-extra');
    if (!extra || extra.firstChild) return;
    const title = h('input', { name: 'title', required: true, maxlength: 200 });
    const text = h('textarea', { name: 'content', rows: 3 });
    mentionAutocomplete(text, { threadId });
    inlineForm(extra, {
      label: 'Start a sub-thread',
      fields: [field('Sub-thread title', title), markdownField('First message (optional)', text)],
      submitLabel: 'Start sub-thread',
      onSubmit: async () => {
        const body = { title: title.value.trim() };
        if (text.value.trim()) body.content = text.value;
        const created = await post(`/api/forum/messages/${id}/threads`, body);
        ctx.navigate(`#/threads/${created.id}`);
      },
    });
  }

  /** Staff: forbid the author of a message to use @everyone (reason, optional end). */
  function openRestrictForm(m) {
    const extra = nodes.get(m.id)?.querySelector('.message-extra');
    if (!extra || extra.firstChild) return;
    const reason = h('input', { name: 'reason', required: true, maxlength: 500 });
    const until = h('input', { name: 'until', type: 'datetime-local' });
    inlineForm(extra, {
      label: `Restrict ${m.username}'s @everyone`,
      fields: [field(`Reason for restricting ${m.username}`, reason), field('Until (optional)', until, 'Empty = until lifted.')],
      submitLabel: 'Restrict',
      onSubmit: async () => {
        await put(`/api/forum/moderation/users/${m.user_id}/everyone-restriction`, restrictionBody(reason.value, until.value));
        ctx.toast(`${m.username} may not use @everyone${until.value ? ` until ${new Date(until.value).toLocaleString()}` : ''}.`);
      },
    });
  }

  function drawSubThreads() {
    subSection.hidden = subThreads.size === 0;
    replaceChildren(subList, [...subThreads.values()].sort((a, b) => a.id - b.id).map((t) =>
      h('li', {}, h('a', { href: `#/threads/${t.id}` }, t.title), ' ',
        h('span', { class: 'muted' }, `by ${t.username ?? 'unknown'}`))));
  }

  // --- typing --------------------------------------------------------------------------
  function drawTyping() {
    typingEl.textContent = typingText([...typers.values()].map((t) => t.username));
  }

  function onTyping(frame) {
    if (frame.user_id === me?.id) return;
    const prev = typers.get(frame.user_id);
    clearTimeout(prev?.timer);
    if (frame.is_typing) {
      typers.set(frame.user_id, { username: frame.username, timer: setTimeout(() => { typers.delete(frame.user_id); drawTyping(); }, TYPING_SHOW_MS) });
    } else {
      typers.delete(frame.user_id);
    }
    drawTyping();
  }

  // --- live events -------------------------------------------------------------------------
  function apply(frame) {
    switch (frame.type) {
      case 'new_message': {
        const m = frame.message;
        if (m && typers.has(m.user_id)) { clearTimeout(typers.get(m.user_id).timer); typers.delete(m.user_id); drawTyping(); }
        addMessage(m, { live: true });
        break;
      }
      case 'message_edited': {
        const m = messages.get(frame.message?.id);
        if (m) { Object.assign(m, frame.message, { is_edited: frame.message.is_edited ?? true }); redraw(m.id); }
        break;
      }
      case 'messages_deleted': removeMessages(frame.message_ids ?? []); break;
      case 'message_deleted': removeMessages([frame.message_id]); break;
      case 'message_liked':
      case 'message_unliked': {
        const m = messages.get(frame.message_id);
        if (!m) break;
        m.like_count = frame.like_count;
        const by = frame.liked_by ?? frame.unliked_by;
        if (by?.id === me?.id) { if (frame.type === 'message_liked') liked.add(m.id); else liked.delete(m.id); }
        redraw(m.id);
        break;
      }
      case 'thread_updated':
        Object.assign(thread, frame.updates ?? frame.thread ?? {});
        drawHeader();
        break;
      case 'thread_deleted': showGone('This thread has been deleted.'); break;
      case 'message_thread_count_updated': {
        const m = messages.get(frame.message_id);
        if (m) { m.spawned_thread_count = frame.spawned_thread_count; redraw(m.id); }
        if (frame.sub_thread_id && !subThreads.has(frame.sub_thread_id)) {
          subThreads.set(frame.sub_thread_id, { id: frame.sub_thread_id, title: frame.sub_thread_title, username: frame.creator_username });
          drawSubThreads();
        }
        break;
      }
      case 'new_sub_thread_created':
        if (frame.thread) { subThreads.set(frame.thread.id, frame.thread); drawSubThreads(); }
        break;
      case 'user_typing': onTyping(frame); break;
      default: break;
    }
  }

  function onEvent(frame) {
    if (Number(frame.thread_id) !== threadId && frame.type !== 'new_sub_thread_created') return;
    if (frame.type === 'new_sub_thread_created' && Number(frame.parent_thread_id ?? frame.thread_id) !== threadId) return;
    if (!loaded) { pending.push(frame); return; }
    apply(frame);
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
    compose.hidden = true;
    list.hidden = true;
    subSection.hidden = true;
    stopTyping();
  }

  // --- loading -------------------------------------------------------------------------
  async function load() {
    loads += 1;
    loaded = false;
    list.setAttribute('aria-busy', 'true');
    try {
      // A reload (resync, reconnect) keeps at least the pages the view showed; a focus link loads
      // the pages back to its message.
      const from = [firstLoadedId, Number(focus) || 0].filter((id) => id > 0);
      const first = loads === 1;
      const body = await fetchThread(threadId, { from: from.length ? Math.min(...from) : 0, toLastRead: first && !focus });
      if (disposed) return;
      thread = body.thread;
      isFollowing = body.isFollowing;
      document.title = `${thread.title} · Forum`;
      messages.clear();
      nodes.clear();
      liked.clear();
      list.replaceChildren();
      firstLoadedId = 0;
      for (const m of body.messages) addMessage(m);
      hasEarlier = body.hasEarlier;
      drawEarlierButton();
      if (!messages.size) list.append(h('li', { class: 'empty muted' }, 'No messages yet.'));
      subThreads.clear();
      for (const t of body.subThreads) subThreads.set(t.id, t);
      drawSubThreads();
      drawHeader();
      if (notice.hidden) compose.hidden = false;
      flushPending();
      list.setAttribute('aria-busy', 'false');
      ctx.notifications.markThreadRead(threadId);
      // Opens at the first message after the reader's last visit (the divider), else at the newest.
      const divider = reader.loaded(body.lastRead);
      if (focus) focusMessage(focus);
      else if (first && divider) divider.scrollIntoView({ block: 'start' });
      else if (first) list.lastElementChild?.scrollIntoView({ block: 'nearest' });
      reader.update();
    } catch (err) {
      if (disposed) return;
      notice.hidden = false;
      notice.textContent = err.status === 404 ? 'This thread does not exist (or was deleted).'
        : err.status === 403 ? 'You are not allowed to read this thread.' : `Could not load the thread: ${err.message}`;
      compose.hidden = true;
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

  replaceChildren(main, header, notice, announcer,
    h('section', { 'aria-labelledby': 'thread-title' }, earlierButton, list, typingEl, reader.button), subSection, compose);
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
    stopTyping();
    clearTimeout(markReadTimer);
    for (const t of typers.values()) clearTimeout(t.timer);
    for (const off of offs) off?.();
    conn?.unsubscribe(threadId);
    document.title = 'Forum';
  };
}

