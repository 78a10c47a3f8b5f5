// Notifications list: live (the store is fed by `forum_notification` events), mark read,
// mark all read; older pages (notification-service cursor) on scroll or with the button.
import { h, replaceChildren, time } from '../dom.js';

export function renderNotifications(ctx, main) {
  const store = ctx.notifications;
  const list = h('ul', { class: 'notification-list', 'aria-label': 'Notifications' });
  const markAll = h('button', { type: 'button' }, 'Mark all as read');
  const status = h('p', { class: 'muted', role: 'status' });
  const more = h('button', { type: 'button', class: 'load-more', hidden: true }, 'Load older notifications');
  let loadingMore = null;
  function loadMore() {
    loadingMore ??= store.loadMore()
      .catch((err) => ctx.toast(`Could not load more notifications: ${err.message}`, { kind: 'error' }))
      .finally(() => { loadingMore = null; });
    return loadingMore;
  }
  more.addEventListener('click', loadMore);
  // Scrolling to the end of the list loads the next page; the button stays for keyboard users.
  const endOfList = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting) && !more.hidden) loadMore();
  });
  endOfList.observe(more);

  function item(n) {
    const link = n.thread_id
      ? h('a', { href: n.message_id ? `#/threads/${n.thread_id}/messages/${n.message_id}` : `#/threads/${n.thread_id}` }, n.title || 'Notification')
      : h('strong', {}, n.title || 'Notification');
    // A followed thread's new messages are one group: its count, who wrote, and when the latest arrived.
    const grouped = n.message_count > 1;
    return h('li', { class: `notification${n.is_read ? '' : ' unread'}${grouped ? ' grouped' : ''}`, dataset: { notificationId: n.id } },
      h('div', { class: 'notification-main' },
        n.is_read ? null : h('span', { class: 'dot', 'aria-label': 'unread' }),
        link,
        grouped ? h('span', { class: 'badge notification-count', 'aria-label': `${n.message_count} messages` }, String(n.message_count)) : null,
        n.content ? h('p', { class: 'notification-content' }, n.content) : null,
        h('p', { class: 'muted' }, n.actor?.username ? `${grouped ? 'latest by ' : ''}${n.actor.username} · ` : '',
          time(n.updated_at ?? n.created_at))),
      n.is_read ? null : h('button', {
        type: 'button', 'aria-label': `Mark “${n.title || 'notification'}” as read`,
        onclick: () => store.markRead(n.id).catch((err) => ctx.toast(err.message, { kind: 'error' })),
      }, 'Mark read'));
  }

  function draw() {
    replaceChildren(list, store.items.length ? store.items.map(item) : h('li', { class: 'muted' }, store.loaded ? 'No notifications.' : 'Loading…'));
    markAll.disabled = store.count === 0;
    more.hidden = !store.nextCursor;
    status.textContent = store.count ? `${store.count} unread` : 'All caught up';
  }

  markAll.addEventListener('click', () => store.markAllRead().catch((err) => ctx.toast(err.message, { kind: 'error' })));
  store.addEventListener('change', draw);
  replaceChildren(main, h('section', { 'aria-labelledby': 'notif-h' },
    h('div', { class: 'section-head' }, h('h1', { id: 'notif-h' }, 'Notifications'), markAll), status, list, more));
  draw();
  store.loadList().then(draw);
  return () => {
    endOfList.disconnect();
    store.removeEventListener('change', draw);
  };
}
