// Moderator tools: the @everyone kill switch and per-user @everyone restrictions; for admins,
// suspending a user and ending all their sessions.
import { del, get, post, put, query } from '../api.js';
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
  // Only admins may switch @everyone off and on: moderators see the state, not the button.
  toggle.hidden = ctx.me?.role !== 'admin';
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
          h('strong', {}, r.username ?? `user ${r.user_id}`),
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
    done.textContent = 'Restriction lifted.';
    await loadRestrictions();
  }

  const username = h('input', { name: 'username', required: true, maxlength: 32, autocomplete: 'off', spellcheck: 'false' });
  /** The id of the user named in the form (exact username, any case), via the mention lookup. */
  async function userIdOf(name) {
    const wanted = name.trim().replace(/^@/, '');
    if (!/^[A-Za-z0-9_.-]{1,32}$/.test(wanted)) throw new Error('Enter a username.');
    const found = (await get(`/api/forum/users${query({ prefix: wanted, limit: 20 })}`))?.users ?? [];
    const user = found.find((u) => u.username.toLowerCase() === wanted.toLowerCase());
    if (!user) throw new Error(`There is no user “${wanted}” (or it is you).`);
    return user;
  }
  const reason = h('input', { name: 'reason', required: true, maxlength: 500 });
  const until = h('input', { name: 'until', type: 'datetime-local' });
  const restrictBox = errorBox();
  const done = h('p', { role: 'status' });
  const restrict = h('form', { class: 'card', 'aria-labelledby': 'restrict-h' },
    h('h2', { id: 'restrict-h' }, 'Restrict a user’s @everyone'), restrictBox, done,
    field('Username', username), field('Reason', reason), field('Until (optional)', until, 'Empty = until lifted.'),
    h('button', { type: 'submit', class: 'primary' }, 'Restrict'),
    h('button', {
      type: 'button', onclick: () => busy(restrict, restrictBox, async () => {
        await lift((await userIdOf(username.value)).id);
      }),
    }, 'Lift restriction'));
  restrict.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(restrict, restrictBox, async () => {
      const user = await userIdOf(username.value);
      await put(`/api/forum/moderation/users/${user.id}/everyone-restriction`, restrictionBody(reason.value, until.value));
      done.textContent = `${user.username} may not use @everyone${until.value ? ` until ${new Date(until.value).toLocaleString()}` : ''}.`;
      await loadRestrictions();
    });
  });

  const accounts = ctx.me?.role === 'admin' ? renderAccounts() : null;

  const offEvent = ctx.conn?.on('event', (f) => {
    if (f.type === 'everyone_mention_disabled') { enabled = false; drawSwitch(); }
    if (f.type === 'everyone_mention_enabled') { enabled = true; drawSwitch(); }
  });

  replaceChildren(main, h('h1', {}, 'Moderation'), killSwitch, restrict, ...(accounts ? [accounts] : []),
    h('section', { class: 'card', 'aria-labelledby': 'restrictions-h' }, h('h2', { id: 'restrictions-h' }, 'Active restrictions'), restrictions));
  loadSwitch();
  loadRestrictions();
  return () => offEvent?.();
}

/** Admins: suspend / unsuspend a user, or end all their sessions (their sockets close at once). */
function renderAccounts() {
  const userId = h('input', { name: 'account_user_id', type: 'number', min: 1, required: true, inputmode: 'numeric' });
  const box = errorBox();
  const done = h('p', { role: 'status' });
  const form = h('form', { class: 'card', 'aria-labelledby': 'accounts-h' },
    h('h2', { id: 'accounts-h' }, 'Accounts (admin)'), box, done, field('User id', userId));
  const action = (label, cls, path, report) => h('button', {
    type: 'button', class: cls, onclick: () => busy(form, box, async () => {
      if (!userId.value) throw new Error('Enter a user id.');
      const body = await post(`/api/admin/users/${Number(userId.value)}/${path}`);
      done.textContent = report(body);
    }),
  }, label);
  form.append(
    action('Suspend user', 'danger', 'suspend', (u) => `${u.username} (id ${u.id}) is suspended; their sessions ended.`),
    action('Lift suspension', '', 'unsuspend', (u) => `${u.username} (id ${u.id}) may log in again.`),
    action('End all sessions', 'danger', 'end-sessions', (r) => `Ended ${r.ended_sessions} session(s) of user ${r.user_id}.`));
  form.addEventListener('submit', (e) => e.preventDefault());
  return form;
}
