// A thread's header: the way back (parent thread or all threads), title, tags (pinned, locked,
// tier), who started it, Follow; for staff the moderator controls (pin, lock, tier, delete).
import { del, patch, post } from '../../api.js';
import { h, replaceChildren, tierLabel, time } from '../../dom.js';
import { busy, errorBox, field } from '../form.js';

/** state: {thread, isFollowing}, shared with the view; onDraw(locked): whether this user may not post. */
export function threadHeader({ ctx, threadId, state, onDraw }) {
  const element = h('header', { class: 'thread-header' });

  function draw() {
    const t = state.thread;
    const staff = ctx.isStaff();
    const followBtn = h('button', { type: 'button', 'aria-pressed': String(state.isFollowing), onclick: toggleFollow },
      state.isFollowing ? 'Following' : 'Follow');
    const controls = staff ? moderatorControls(t) : null;
    replaceChildren(element,
      t.parent_thread_id ? h('p', { class: 'crumb' }, h('a', { href: `#/threads/${t.parent_thread_id}` }, '← Parent thread')) : h('p', { class: 'crumb' }, h('a', { href: '#/threads' }, '← All threads')),
      h('h1', { id: 'thread-title' }, t.title),
      h('p', { class: 'thread-meta' },
        t.is_pinned ? h('span', { class: 'tag tag-pin' }, 'Pinned') : null,
        t.is_locked ? h('span', { class: 'tag tag-lock' }, 'Locked') : null,
        t.min_tier_cents > 0 ? h('span', { class: 'tag tag-tier' }, tierLabel(t.min_tier_cents)) : null,
        h('span', {}, `started by ${t.username ?? 'unknown'}`), ' · ', time(t.created_at), ' ', followBtn),
      controls);
    onDraw(t.is_locked && !staff);
  }

  function moderatorControls(t) {
    const box = errorBox();
    const tier = h('input', { name: 'min_tier_cents', type: 'number', min: 0, step: 1, value: t.min_tier_cents ?? 0, inputmode: 'numeric' });
    const update = (changes) => busy(form, box, async () => {
      Object.assign(state.thread, await patch(`/api/forum/threads/${threadId}`, changes));
      draw();
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
      if (state.isFollowing) await del(`/api/forum/threads/${threadId}/follow`); else await post(`/api/forum/threads/${threadId}/follow`);
      state.isFollowing = !state.isFollowing;
      draw();
    } catch (err) {
      ctx.toast(`Could not change follow: ${err.message}`, { kind: 'error' });
    }
  }

  return { element, draw };
}
