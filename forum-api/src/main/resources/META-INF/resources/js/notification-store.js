// Notifications and unread counts (notification-service): the bell's count, the list, and the
// per-thread unread badges of the thread list. Emits 'change' whenever something changes.
import { get, post } from './api.js';

export class NotificationStore extends EventTarget {
  constructor() {
    super();
    this.reset();
  }

  reset() {
    this.count = 0;
    this.items = [];
    this.loaded = false;
    this.totalUnread = 0;
    this.threadUnread = new Map();
    this.changed();
  }

  changed() {
    this.dispatchEvent(new Event('change'));
  }

  /** Reloads the list, the unread notification count and the per-thread unread counts. */
  async refresh() {
    await Promise.all([this.loadList(), this.loadUnread()]);
  }

  async loadList() {
    try {
      const body = await get('/api/forum/notifications');
      const items = Array.isArray(body) ? body : (body?.notifications ?? body?.items ?? []);
      this.items = items;
      this.loaded = true;
      this.count = typeof body?.unread_count === 'number' ? body.unread_count : items.filter((n) => !n.is_read).length;
      this.changed();
    } catch {
      // notification-service unavailable: the bell stays as it is and live events still update it.
    }
  }

  async loadUnread() {
    try {
      const body = await get('/api/forum/notifications/unread-counts');
      this.totalUnread = body?.total ?? 0;
      this.threadUnread = new Map(Object.entries(body?.threads ?? {}).map(([id, n]) => [Number(id), n]));
      this.changed();
    } catch {
      // as above
    }
  }

  add(notification) {
    if (!notification?.id || this.items.some((n) => n.id === notification.id)) return;
    this.items.unshift(notification);
    if (!notification.is_read) this.count += 1;
    this.changed();
  }

  setCount(count) {
    if (typeof count !== 'number') return;
    this.count = count;
    this.changed();
  }

  setThreadUnread(threadId, threadCount, total) {
    if (threadId != null) this.threadUnread.set(Number(threadId), threadCount ?? 0);
    if (typeof total === 'number') this.totalUnread = total;
    this.changed();
  }

  unreadFor(threadId) {
    return this.threadUnread.get(Number(threadId)) ?? 0;
  }

  async markRead(id) {
    await post(`/api/forum/notifications/${id}/read`);
    const n = this.items.find((x) => x.id === id);
    if (n && !n.is_read) {
      n.is_read = true;
      this.count = Math.max(0, this.count - 1);
    }
    this.changed();
  }

  async markAllRead() {
    await post('/api/forum/notifications/mark-all-read');
    for (const n of this.items) n.is_read = true;
    this.count = 0;
    this.changed();
  }

  /** Opening a thread marks its notifications and unread messages read. */
  async markThreadRead(threadId) {
    try {
      await post(`/api/forum/threads/${threadId}/notifications/read`);
      this.setThreadUnread(threadId, 0);
    } catch {
      // notification-service unavailable
    }
  }
}
