// Notifications and unread counts (notification-service): the bell's count, the list, and the
// per-thread unread badges of the thread list. Emits 'change' whenever something changes.
import { get, post, query } from './api.js';

const PAGE = 30;

export class NotificationStore extends EventTarget {
  constructor() {
    super();
    this.reset();
  }

  reset() {
    this.count = 0;
    this.items = [];
    this.nextCursor = null;
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

  /** First page of notifications (newest first) and the unread count. */
  async loadList() {
    try {
      const body = await get(`/api/forum/notifications${query({ limit: PAGE })}`);
      this.items = body?.notifications ?? [];
      this.nextCursor = body?.next_cursor ?? null;
      this.loaded = true;
      this.count = typeof body?.unread_count === 'number' ? body.unread_count : this.items.filter((n) => !n.is_read).length;
      this.changed();
    } catch {
      // notification-service unavailable: the bell stays as it is and live events still update it.
    }
  }

  /** Appends the next page (cursor from the previous answer). */
  async loadMore() {
    if (!this.nextCursor) return;
    const body = await get(`/api/forum/notifications${query({ limit: PAGE, cursor: this.nextCursor })}`);
    const known = new Set(this.items.map((n) => n.id));
    this.items.push(...(body?.notifications ?? []).filter((n) => !known.has(n.id)));
    this.nextCursor = body?.next_cursor ?? null;
    this.changed();
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
    if (!notification?.id) return;
    const known = this.items.findIndex((n) => n.id === notification.id);
    if (known >= 0) {
      // A followed thread's group ("3 new messages in …") updated by one more message: replaced in place and
      // moved to the top (the list is newest activity first). It was unread already, so no count changes.
      this.items.splice(known, 1);
      this.items.unshift(notification);
      this.changed();
      return;
    }
    this.items.unshift(notification);
    if (!notification.is_read) {
      this.count += 1;
      // Unread counts are unread notifications per thread: a new one raises its thread's badge
      // (the service pushes unread_count_updated only for read marks).
      if (notification.thread_id != null) {
        const id = Number(notification.thread_id);
        this.threadUnread.set(id, this.unreadFor(id) + 1);
        this.totalUnread += 1;
      }
    }
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
    const res = await post(`/api/forum/notifications/${id}/read`);
    const n = this.items.find((x) => x.id === id);
    if (n && !n.is_read) {
      n.is_read = true;
      this.count = Math.max(0, this.count - 1);
    }
    if (n?.thread_id != null && typeof res?.thread_unread === 'number') this.threadUnread.set(Number(n.thread_id), res.thread_unread);
    if (typeof res?.total_unread === 'number') this.totalUnread = res.total_unread;
    this.changed();
  }

  async markAllRead() {
    const res = await post('/api/forum/notifications/mark-all-read');
    for (const n of this.items) n.is_read = true;
    this.count = 0;
    this.threadUnread.clear();
    this.totalUnread = res?.total_unread ?? 0;
    this.changed();
  }

  /** Opening a thread marks its notifications and unread messages read. */
  async markThreadRead(threadId) {
    try {
      const res = await post(`/api/forum/threads/${threadId}/notifications/read`);
      for (const n of this.items) if (Number(n.thread_id) === Number(threadId)) n.is_read = true;
      this.setThreadUnread(threadId, 0, res?.total_unread);
    } catch {
      // notification-service unavailable
    }
  }
}
