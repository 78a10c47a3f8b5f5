// Thread list: pinned first, live `new_thread_created`, unread badges, "load more", new thread.
import { get, post, query } from '../api.js';
import { h, plural, replaceChildren, tierLabel, time } from '../dom.js';
import { imageAttachments } from '../attachments.js';
import { keepDraft } from '../drafts.js';
import { mentionAutocomplete } from '../mentions.js';
import { busy, errorBox, field, markdownField } from './form.js';

const PAGE = 30;

export function compareThreads(a, b) {
  if (Boolean(a.is_pinned) !== Boolean(b.is_pinned)) return a.is_pinned ? -1 : 1;
  const ta = Date.parse(a.last_activity_at ?? a.created_at ?? 0) || 0;
  const tb = Date.parse(b.last_activity_at ?? b.created_at ?? 0) || 0;
  return tb - ta || b.id - a.id;
}

export function renderThreads(ctx, main) {
  const threads = new Map();
  let nextCursor = null;
  const list = h('ul', { class: 'thread-list', 'aria-label': 'Threads', 'aria-busy': 'true' });
  const more = h('button', { type: 'button', hidden: true }, 'Load more threads');
  const announcer = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const box = errorBox();

  function row(t) {
    const unread = ctx.notifications.unreadFor(t.id);
    const flags = [
      t.is_pinned ? h('span', { class: 'tag tag-pin' }, 'Pinned') : null,
      t.is_locked ? h('span', { class: 'tag tag-lock' }, 'Locked') : null,
      t.min_tier_cents > 0 ? h('span', { class: 'tag tag-tier' }, tierLabel(t.min_tier_cents)) : null,
    ];
    return h('li', { class: 'thread-row', dataset: { threadId: t.id } },
      h('a', { class: 'thread-link', href: `#/threads/${t.id}` },
        h('span', { class: 'thread-title' }, t.title),
        unread > 0 ? h('span', { class: 'badge', 'aria-label': `${unread} unread` }, String(unread)) : null),
      h('p', { class: 'thread-meta' }, flags,
        h('span', {}, `by ${t.username ?? 'unknown'}`), ' · ',
        h('span', {}, plural(t.message_count ?? 0, 'message')), ' · ', time(t.last_activity_at ?? t.created_at)));
  }

  function draw() {
    const sorted = [...threads.values()].sort(compareThreads);
    replaceChildren(list, sorted.length ? sorted.map(row) : h('li', { class: 'muted' }, 'No threads yet. Start one below.'));
    list.setAttribute('aria-busy', 'false');
    more.hidden = !nextCursor;
  }

  async function load(cursor) {
    try {
      const body = await get(`/api/forum/threads${query({ limit: PAGE, cursor })}`);
      for (const t of body?.threads ?? []) threads.set(t.id, t);
      nextCursor = body?.next_cursor ?? null;
      draw();
    } catch (err) {
      box.hidden = false;
      box.textContent = `Could not load threads: ${err.message}`;
    }
  }

  more.addEventListener('click', () => load(nextCursor));

  const title = h('input', { name: 'title', required: true, maxlength: 200 });
  const content = h('textarea', { name: 'content', required: true, rows: 4 });
  const tier = h('input', { name: 'min_tier_cents', type: 'number', min: 0, step: 1, value: 0, inputmode: 'numeric' });
  mentionAutocomplete(content);
  const drafts = ctx.me ? [keepDraft(title, ctx.me.id, 'new-thread:title'), keepDraft(content, ctx.me.id, 'new-thread:content')] : [];
  const formBox = errorBox();
  const form = h('form', { class: 'card compose', 'aria-labelledby': 'new-thread-h' },
    h('h2', { id: 'new-thread-h' }, 'New thread'), formBox,
    field('Title', title),
    markdownField('First message', content, 'Markdown: **bold**, _italic_, `code`, [links](https://example.org), lists, > quotes. Mention with @username or @everyone. Paste or drop images.'),
    imageAttachments(content),
    ctx.isStaff() ? field('Minimum tier (cents)', tier, '0 = everyone may read') : null,
    h('button', { type: 'submit', class: 'primary' }, 'Create thread'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(form, formBox, async () => {
      const body = { title: title.value.trim(), content: content.value };
      if (ctx.isStaff() && Number(tier.value) > 0) body.min_tier_cents = Number(tier.value);
      const created = await post('/api/forum/threads', body);
      for (const d of drafts) d.clear();
      ctx.navigate(`#/threads/${created.thread?.id ?? created.id}`);
    });
  });

  const offEvent = ctx.conn?.on('event', (frame) => {
    if (frame.type === 'new_thread_created' && frame.thread && !frame.thread.parent_thread_id) {
      if (!threads.has(frame.thread.id)) {
        threads.set(frame.thread.id, frame.thread);
        draw();
        announcer.textContent = `New thread: ${frame.thread.title} by ${frame.creator?.username ?? frame.thread.username ?? 'someone'}`;
      }
    } else if (frame.type === 'thread_deleted' && threads.delete(Number(frame.thread_id))) {
      draw();
    } else if (frame.type === 'thread_updated' && threads.has(Number(frame.thread_id))) {
      Object.assign(threads.get(Number(frame.thread_id)), frame.updates ?? {});
      draw();
    }
  });
  const onUnread = () => { if (threads.size) draw(); };
  ctx.notifications.addEventListener('change', onUnread);

  const startButton = h('button', { type: 'button', class: 'primary', onclick: () => { form.scrollIntoView(); title.focus(); } }, 'Start a thread');
  replaceChildren(main,
    h('section', { 'aria-labelledby': 'threads-h' },
      h('div', { class: 'section-head' }, h('h1', { id: 'threads-h' }, 'Threads'), startButton), box, announcer, list, more),
    form);
  load(null);

  return () => {
    offEvent?.();
    ctx.notifications.removeEventListener('change', onUnread);
  };
}
