// Moderator tools: the @everyone kill switch and per-user @everyone restrictions.
import { del, get, post, put } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { busy, errorBox, field, restrictionBody } from './form.js';

export function renderModeration(ctx, main) {
  if (!ctx.isStaff()) {
    replaceChildren(main, h('p', { class: 'notice', role: 'alert' }, 'Moderators only.'));
    return null;
  }
  const state = h('p', { role: 'status' }, 'Loading…');
  const switchBox = errorBox();
  const toggle = h('button', { type: 'button' }, '…');
  const changed = h('p', { class: 'muted' });
  let enabled = null;
  const killSwitch = h('form', { class: 'card', 'aria-labelledby': 'everyone-h' },
    h('h2', { id: 'everyone-h' }, '@everyone mentions'), switchBox, state, changed, toggle,
    h('p', { class: 'hint' }, 'Only admins may switch @everyone off and on.'));

  function drawSwitch() {
    state.textContent = enabled === null ? 'Unknown' : enabled ? '@everyone is enabled.' : '@everyone is disabled for everybody.';
    toggle.textContent = enabled ? 'Disable @everyone' : 'Enable @everyone';
    toggle.className = enabled ? 'danger' : 'primary';
  }

  async function loadSwitch() {
    try {
      const body = await get('/api/forum/moderation/everyone');
      enabled = typeof body?.enabled === 'boolean' ? body.enabled : null;
      changed.textContent = body?.changed_by ? `Last changed by ${body.changed_by}${body.changed_at ? ` on ${new Date(body.changed_at).toLocaleString()}` : ''}.` : '';
    } catch (err) {
      switchBox.hidden = false;
      switchBox.textContent = err.message;
    }
    drawSwitch();
  }

  toggle.addEventListener('click', () => busy(killSwitch, switchBox, async () => {
    await post(`/api/forum/moderation/everyone/${enabled ? 'disable' : 'enable'}`);
    await loadSwitch();
  }));

  const restrictions = h('ul', { class: 'notification-list', 'aria-label': 'Active restrictions' });
  async function loadRestrictions() {
    try {
      const list = await get('/api/forum/moderation/restrictions');
      replaceChildren(restrictions, list.length ? list.map((r) => h('li', { class: 'notification' },
        h('div', { class: 'notification-main' },
          h('strong', {}, `${r.username ?? `user ${r.user_id}`} (id ${r.user_id})`),
          h('p', {}, r.reason),
          h('p', { class: 'muted' }, `by ${r.restricted_by ?? '?'}${r.until ? `, until ${new Date(r.until).toLocaleString()}` : ', until lifted'}`)),
        h('button', { type: 'button', onclick: () => lift(r.user_id) }, `Lift restriction of ${r.username ?? r.user_id}`)))
        : h('li', { class: 'muted' }, 'No active restrictions.'));
    } catch (err) {
      replaceChildren(restrictions, h('li', { class: 'form-error' }, err.message));
    }
  }
  async function lift(id) {
    await del(`/api/forum/moderation/users/${id}/everyone-restriction`);
    done.textContent = `Restriction of user ${id} lifted.`;
    await loadRestrictions();
  }

  const userId = h('input', { name: 'user_id', type: 'number', min: 1, required: true, inputmode: 'numeric' });
  const reason = h('input', { name: 'reason', required: true, maxlength: 500 });
  const until = h('input', { name: 'until', type: 'datetime-local' });
  const restrictBox = errorBox();
  const done = h('p', { role: 'status' });
  const restrict = h('form', { class: 'card', 'aria-labelledby': 'restrict-h' },
    h('h2', { id: 'restrict-h' }, 'Restrict a user’s @everyone'), restrictBox, done,
    field('User id', userId), field('Reason', reason), field('Until (optional)', until, 'Empty = until lifted.'),
    h('button', { type: 'submit', class: 'primary' }, 'Restrict'),
    h('button', {
      type: 'button', onclick: () => busy(restrict, restrictBox, async () => {
        if (!userId.value) throw new Error('Enter a user id.');
        await lift(Number(userId.value));
      }),
    }, 'Lift restriction'));
  restrict.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(restrict, restrictBox, async () => {
      await put(`/api/forum/moderation/users/${Number(userId.value)}/everyone-restriction`, restrictionBody(reason.value, until.value));
      done.textContent = `User ${userId.value} may not use @everyone${until.value ? ` until ${new Date(until.value).toLocaleString()}` : ''}.`;
      await loadRestrictions();
    });
  });

  const offEvent = ctx.conn?.on('event', (f) => {
    if (f.type === 'everyone_mention_disabled') { enabled = false; drawSwitch(); }
    if (f.type === 'everyone_mention_enabled') { enabled = true; drawSwitch(); }
  });

  replaceChildren(main, h('h1', {}, 'Moderation'), killSwitch, restrict,
    h('section', { class: 'card', 'aria-labelledby': 'restrictions-h' }, h('h2', { id: 'restrictions-h' }, 'Active restrictions'), restrictions));
  loadSwitch();
  loadRestrictions();
  return () => offEvent?.();
}
