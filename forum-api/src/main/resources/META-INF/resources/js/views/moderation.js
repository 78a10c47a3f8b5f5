// Moderator tools: the @everyone kill switch and per-user @everyone restrictions.
import { del, get, post, put } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { busy, errorBox, field } from './form.js';

export function renderModeration(ctx, main) {
  if (!ctx.isStaff()) {
    replaceChildren(main, h('p', { class: 'notice', role: 'alert' }, 'Moderators only.'));
    return null;
  }
  const state = h('p', { role: 'status' }, 'Loading…');
  const switchBox = errorBox();
  const toggle = h('button', { type: 'button' }, '…');
  let enabled = null;
  const killSwitch = h('form', { class: 'card', 'aria-labelledby': 'everyone-h' },
    h('h2', { id: 'everyone-h' }, '@everyone mentions'), switchBox, state, toggle);

  function drawSwitch() {
    state.textContent = enabled === null ? 'Unknown' : enabled ? '@everyone is enabled.' : '@everyone is disabled for everybody.';
    toggle.textContent = enabled ? 'Disable @everyone' : 'Enable @everyone';
    toggle.className = enabled ? 'danger' : 'primary';
  }

  async function loadSwitch() {
    try {
      const body = await get('/api/forum/moderation/everyone');
      enabled = body?.enabled ?? (body?.disabled !== undefined ? !body.disabled : null);
    } catch (err) {
      switchBox.hidden = false;
      switchBox.textContent = err.message;
    }
    drawSwitch();
  }

  toggle.addEventListener('click', () => busy(killSwitch, switchBox, async () => {
    await post(`/api/forum/moderation/everyone/${enabled ? 'disable' : 'enable'}`);
    enabled = !enabled;
    drawSwitch();
  }));

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
        await del(`/api/forum/moderation/users/${Number(userId.value)}/everyone-restriction`);
        done.textContent = `Restriction of user ${userId.value} lifted.`;
      }),
    }, 'Lift restriction'));
  restrict.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(restrict, restrictBox, async () => {
      const body = { reason: reason.value.trim() };
      if (until.value) body.until = new Date(until.value).toISOString();
      await put(`/api/forum/moderation/users/${Number(userId.value)}/everyone-restriction`, body);
      done.textContent = `User ${userId.value} may not use @everyone${until.value ? ` until ${new Date(until.value).toLocaleString()}` : ''}.`;
    });
  });

  const offEvent = ctx.conn?.on('event', (f) => {
    if (f.type === 'everyone_mention_disabled') { enabled = false; drawSwitch(); }
    if (f.type === 'everyone_mention_enabled') { enabled = true; drawSwitch(); }
  });

  replaceChildren(main, h('h1', {}, 'Moderation'), killSwitch, restrict);
  loadSwitch();
  return () => offEvent?.();
}
