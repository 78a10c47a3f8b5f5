// The messages of a thread view: each rendered once (server-sanitised content_html, author, time,
// edited mark, reply link, actions), kept in id order as REST pages and live events bring them,
// redrawn on change, removed on delete. A reader at the bottom follows new messages.
import { h, plural, time, trustedHtml } from '../../dom.js';
import { highlightMentions } from '../../mentions.js';

/**
 * list: the <ol>; reader: the ReadTracker on it; on: what the message buttons and links do
 * ({like, reply, subThread, edit, delete, restrict, show, showSubThreads} by message id, restrict
 * by message) and what the view hears ({removed(id), arrived(message)} for a live message by someone else).
 */
export function messageList({ ctx, threadId, me, list, reader, on }) {
  const messages = new Map(); // id -> MessageView
  const nodes = new Map(); // id -> <li>
  const liked = new Set(); // message ids liked by me
  let firstLoadedId = 0;

  const canEdit = (m) => me && m.user_id === me.id;
  const canDelete = (m) => me && (m.user_id === me.id || ctx.isStaff());

  function messageNode(m) {
    const headingId = `m${m.id}-author`;
    const body = trustedHtml(h('div', { class: 'message-body' }), m.content_html);
    const mentionsMe = highlightMentions(body, me, ctx.isStaff());
    const replyRef = m.reply_to_id
      ? h('p', { class: 'reply-ref' }, h('a', { href: `#/threads/${threadId}/messages/${m.reply_to_id}`, onclick: (e) => { e.preventDefault(); on.show(m.reply_to_id); } },
        `in reply to ${messages.get(m.reply_to_id)?.username ?? 'a message'}`))
      : null;
    const isLiked = liked.has(m.id);
    const likeBtn = h('button', {
      type: 'button', class: 'like', 'aria-pressed': String(isLiked),
      'aria-label': `${isLiked ? 'Unlike' : 'Like'} (${plural(m.like_count ?? 0, 'like')})`, onclick: () => on.like(m.id),
    }, h('span', { 'aria-hidden': 'true' }, isLiked ? '♥' : '♡'), ' ', h('span', { class: 'like-count' }, String(m.like_count ?? 0)));
    const subCount = m.spawned_thread_count ?? 0;
    const actions = h('div', { class: 'message-actions', role: 'group', 'aria-label': `Actions on ${m.username ?? 'this'}’s message` },
      likeBtn,
      h('button', { type: 'button', onclick: () => on.reply(m.id) }, 'Reply'),
      h('button', { type: 'button', onclick: () => on.subThread(m.id) }, 'Sub-thread'),
      canEdit(m) ? h('button', { type: 'button', onclick: () => on.edit(m.id) }, 'Edit') : null,
      canDelete(m) ? h('button', { type: 'button', class: 'danger', onclick: () => on.delete(m.id) }, 'Delete') : null,
      ctx.isStaff() && m.user_id !== me?.id ? h('button', { type: 'button', onclick: () => on.restrict(m) }, 'Restrict @everyone') : null,
      subCount > 0 ? h('a', { class: 'sub-count', href: '#sub-h', onclick: (e) => { e.preventDefault(); on.showSubThreads(); } }, plural(subCount, 'sub-thread')) : null);
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
  function add(m, { live = false } = {}) {
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
    if (live && m.user_id !== me?.id) on.arrived(m);
    if (follow) node.scrollIntoView({ block: 'nearest' });
    if (live) reader.update();
  }

  function remove(ids) {
    for (const id of ids) {
      messages.delete(id);
      nodes.get(id)?.remove();
      nodes.delete(id);
      on.removed(id);
    }
    reader.update();
  }

  function focus(id) {
    const node = nodes.get(Number(id));
    if (!node) return;
    node.scrollIntoView({ block: 'center' });
    node.querySelector('article').focus();
  }

  /** Forgets every message (a full reload follows). */
  function clear() {
    messages.clear();
    nodes.clear();
    liked.clear();
    list.replaceChildren();
    firstLoadedId = 0;
  }

  return {
    messages, nodes, liked, add, redraw, remove, focus, clear,
    /** The oldest loaded message's id (0: none): earlier pages load before it. */
    firstLoadedId: () => firstLoadedId,
  };
}
