// Entry point: session, hash router (#/threads, #/threads/12, #/notifications, #/moderation,
// #/search?q=, #/users/<name>, #/login, #/register), header (connection status, bell) and app-wide live events.
import { ApiError, get, post } from './api.js';
import { ForumConnection, State } from './connection.js';
import { clearDrafts } from './drafts.js';
import { formatWhen, h } from './dom.js';
import { NotificationStore } from './notification-store.js';
import { renderLogin } from './views/login.js';
import { renderModeration } from './views/moderation.js';
import { renderNotifications } from './views/notifications.js';
import { renderProfile } from './views/profile.js';
import { renderSearch, searchHash } from './views/search.js';
import { renderThread } from './views/thread.js';
import { renderThreads } from './views/threads.js';

const $ = (id) => document.getElementById(id);
const MAX_TOASTS = 4;

const ctx = {
  me: null,
  conn: null,
  /** The thread the thread view shows, or null. */
  openThreadId: null,
  notifications: new NotificationStore(),
  isStaff() { return this.me?.role === 'moderator' || this.me?.role === 'admin'; },
  navigate(hash) {
    if (location.hash === hash) route(); else location.hash = hash;
  },
  toast,
  signedIn,
  signOut,
};

let cleanup = null;

/** Shows a short message in the polite live region; disappears after a few seconds. */
function toast(text, { kind = 'info', href = null, ms = 6000, heading = null } = {}) {
  text = sentence(text);
  const body = href ? h('a', { href }, text) : text;
  const item = h('div', { class: `toast toast-${kind}` }, heading ? h('strong', { class: 'toast-heading' }, heading) : null, body);
  const toasts = $('toasts');
  toasts.append(item);
  // A burst (many mentions at once) shows the latest few, not a wall.
  while (toasts.childElementCount > MAX_TOASTS) toasts.firstElementChild.remove();
  setTimeout(() => item.remove(), ms);
}

/** "not subscribed to this thread" -> "Not subscribed to this thread." (servers answer in lower case). */
function sentence(text) {
  const s = String(text ?? '').trim();
  if (!s) return s;
  return s[0].toUpperCase() + s.slice(1) + (/[.!?…”)]$/.test(s) ? '' : '.');
}

/** Gateway errors the views already explain (a missing or forbidden thread shows its own notice). */
const QUIET_GATEWAY_ERRORS = new Set(['thread_not_found', 'forbidden_thread', 'not_subscribed']);

function renderStatus({ state, retryInMs, reason, terminal }) {
  const el = $('connection-status');
  el.dataset.state = state;
  let text;
  switch (state) {
    case State.OPEN: text = 'Live'; break;
    case State.CONNECTING: text = 'Connecting…'; break;
    case State.RECONNECTING:
      text = retryInMs > 0 ? `Reconnecting in ${Math.max(1, Math.round(retryInMs / 1000))} s…` : 'Reconnecting…';
      break;
    default: text = terminal ? `Disconnected${reason ? `: ${reason}` : ''}` : 'Offline';
  }
  el.textContent = text;
  $('reconnect').hidden = !(state === State.RECONNECTING && retryInMs > 0) && !(state === State.CLOSED && ctx.me);
}

function renderBell() {
  const n = ctx.notifications.count;
  const badge = $('bell-count');
  badge.textContent = n > 99 ? '99+' : String(n);
  badge.hidden = n === 0;
  $('bell').setAttribute('aria-label', n === 0 ? 'Notifications, none unread' : `Notifications, ${n} unread`);
}

function renderHeader() {
  const me = ctx.me;
  $('bell').hidden = !me;
  $('site-search').hidden = !me;
  $('logout').hidden = !me;
  // Posts show usernames: so does the header (the display name is the tooltip).
  $('whoami').textContent = me ? me.username : '';
  $('whoami').title = me?.display_name && me.display_name !== me.username ? me.display_name : '';
  document.querySelector('[data-nav="moderation"]').hidden = !ctx.isStaff();
  renderBell();
}

/** App-wide live events: notifications, counts, mention and moderation notices. */
function onLiveEvent(frame) {
  const store = ctx.notifications;
  switch (frame.type) {
    case 'forum_notification': {
      const n = frame.notification ?? {};
      store.add(n);
      const href = n.thread_id == null ? '#/notifications'
        : n.message_id != null ? `#/threads/${n.thread_id}/messages/${n.message_id}` : `#/threads/${n.thread_id}`;
      if (n.type === 'mention') {
        // Addressed to the user: shown even on the open thread (the message may be on a page not
        // loaded yet); the link focuses the message.
        toast(n.content || 'Open the message', { kind: 'mention', heading: n.title || 'You were mentioned', href, ms: 12000 });
        break;
      }
      // No toast for the thread on screen: its new messages are already visible.
      if (n.thread_id != null && Number(n.thread_id) === ctx.openThreadId) break;
      toast(n.title || n.content || 'New notification', { href });
      break;
    }
    case 'forum_notification_count': store.setCount(frame.count); break;
    case 'unread_count_updated':
      store.setThreadUnread(frame.thread_id, frame.thread_unread_count, frame.total_forum_unread);
      break;
    case 'unread_counts_changed':
      // Sent once for a mass change (a large thread deleted): refetch if it concerns us, spread over
      // the window the service gives so that not every client asks at once.
      if (store.unreadFor(frame.thread_id) > 0) {
        setTimeout(() => store.refresh(), Math.random() * (frame.refetch_within_ms ?? 5000));
      }
      break;
    case 'team_mention':
    case 'everyone_mention': {
      const who = frame.sender?.username ?? 'Someone';
      const what = frame.type === 'everyone_mention' ? '@everyone' : 'your team';
      toast(`${who} mentioned ${what} in “${frame.thread_title ?? 'a thread'}”`, { href: `#/threads/${frame.thread_id}` });
      if (typeof frame.notification_count === 'number') store.setCount(frame.notification_count);
      break;
    }
    case 'everyone_restricted':
      toast(`You may not use @everyone${frame.until ? ` until ${new Date(frame.until).toLocaleString()}` : ''}: ${frame.reason ?? ''}`, { kind: 'warn' });
      break;
    case 'everyone_unrestricted': toast('You may use @everyone again.'); break;
    case 'everyone_mention_disabled': toast(frame.message || '@everyone has been disabled.', { kind: 'warn' }); break;
    case 'everyone_mention_enabled': toast(frame.message || '@everyone is enabled again.'); break;
    default: break;
  }
}

function startConnection() {
  const conn = new ForumConnection({
    onHandshakeFailure: async (attempt) => {
      if (attempt < 1) return true;
      try {
        await get('/api/auth/me');
        return true;
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) {
          signOut({ remote: false });
          return false;
        }
        return true;
      }
    },
  });
  let opens = 0;
  conn.on('state', (s) => {
    renderStatus(s);
    // Events addressed to the user are not replayed: refresh the counters after a reconnect.
    if (s.state === State.OPEN && opens++ > 0) ctx.notifications.refresh();
    // A terminal close (e.g. 4501 session revoked by a logout elsewhere): if the session is
    // gone, show the sign-in page instead of a dead connection.
    if (s.terminal && s.code) {
      get('/api/auth/me').catch((err) => {
        if (err instanceof ApiError && err.status === 401) signOut({ remote: false });
      });
    }
  });
  conn.on('event', onLiveEvent);
  conn.on('server-error', (e) => {
    if (e.temporary || QUIET_GATEWAY_ERRORS.has(String(e.code ?? '').toLowerCase())) return;
    toast(`Live updates: ${e.message || e.code || 'server error'}`, { kind: 'error' });
  });
  ctx.conn = conn;
  conn.start();
}

async function signedIn(me) {
  ctx.me = me;
  renderHeader();
  if (!ctx.conn) startConnection();
  ctx.notifications.refresh();
}

async function signOut({ remote = true } = {}) {
  if (remote) {
    try { await post('/api/auth/logout'); } catch { /* session already gone */ }
  }
  ctx.conn?.stop();
  ctx.conn = null;
  if (ctx.me) clearDrafts(ctx.me.id);
  ctx.me = null;
  ctx.notifications.reset();
  renderHeader();
  ctx.navigate('#/login');
}

function parseRoute() {
  const [path, search = ''] = (location.hash || '#/threads').replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'search') return { name: 'search', params: new URLSearchParams(search) };
  if (parts[0] === 'users' && parts[1]) return { name: 'profile', username: decodeURIComponent(parts[1]) };
  if (parts[0] === 'threads' && parts[1] && /^\d+$/.test(parts[1])) {
    return { name: 'thread', id: Number(parts[1]), focus: parts[2] === 'messages' ? Number(parts[3]) : null };
  }
  return { name: parts[0] || 'threads' };
}

async function route() {
  const main = $('main');
  cleanup?.();
  cleanup = null;
  // Errors belong to the page they happened on.
  for (const t of document.querySelectorAll('#toasts .toast-error')) t.remove();
  const r = parseRoute();
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === r.name || (r.name === 'thread' && a.dataset.nav === 'threads')) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (!ctx.me && r.name !== 'login' && r.name !== 'register') {
    ctx.navigate('#/login');
    return;
  }
  switch (r.name) {
    case 'login':
    case 'register': cleanup = renderLogin(ctx, main, { mode: r.name }); break;
    case 'thread': cleanup = renderThread(ctx, main, r); break;
    case 'notifications': cleanup = renderNotifications(ctx, main); break;
    case 'moderation': cleanup = renderModeration(ctx, main); break;
    case 'search': cleanup = renderSearch(ctx, main, r); break;
    case 'profile': cleanup = renderProfile(ctx, main, r); break;
    default: cleanup = renderThreads(ctx, main);
  }
}

async function boot() {
  $('logout').addEventListener('click', () => signOut());
  $('reconnect').addEventListener('click', () => {
    if (ctx.conn?.state === State.CLOSED && ctx.me) { ctx.conn.stop(); ctx.conn = null; startConnection(); } else ctx.conn?.reconnectNow();
  });
  ctx.notifications.addEventListener('change', renderBell);
  $('site-search').addEventListener('submit', (e) => {
    e.preventDefault();
    const q = $('site-search-q').value.trim();
    if (q) ctx.navigate(searchHash(q));
  });
  // "/" focuses the search box, unless the user is typing somewhere.
  document.addEventListener('keydown', (e) => {
    if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || !ctx.me) return;
    const t = e.target;
    if (t instanceof HTMLElement && (t.isContentEditable || t.closest('input, textarea, select'))) return;
    e.preventDefault();
    $('site-search-q').focus();
    $('site-search-q').select();
  });
  try {
    await signedIn(await get('/api/auth/me'));
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401) {
      toast(`Cannot load your session: ${err.message}`, { kind: 'error' });
    }
  }
  window.addEventListener('hashchange', route);
  // Keep relative times ("3 min ago") current.
  setInterval(() => {
    for (const t of document.querySelectorAll('time[datetime]')) t.textContent = formatWhen(new Date(t.getAttribute('datetime')));
  }, 30000);
  route();
}

boot();
