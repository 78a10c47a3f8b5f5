// Read position in the thread view: which messages the reader has seen (scrolled to, tab visible),
// saved to forum-api (PUT /api/forum/threads/{id}/read-position, forward only, debounced), the
// "new since your last visit" divider, the floating "N new messages below" / "Jump to latest"
// button, and the unseen count in the tab title.
import { put } from './api.js';
import { h, plural } from './dom.js';

const SAVE_AFTER_MS = 1000;

export class ReadTracker {
  /** list: the <ol> of messages (li[data-message-id]); title(): the thread's title for the tab. */
  constructor({ threadId, list, title }) {
    this.threadId = threadId;
    this.list = list;
    this.title = title;
    this.seenId = 0; // the newest message the reader has seen
    this.savedId = 0; // the position forum-api holds
    this.saveTimer = null;
    this.frame = 0;
    this.button = h('button', { type: 'button', class: 'jump-latest', hidden: true, onclick: () => this.jumpToLatest() }, 'Jump to latest');
    this.onScroll = () => {
      if (this.frame) return;
      this.frame = requestAnimationFrame(() => { this.frame = 0; this.update(); });
    };
    window.addEventListener('scroll', this.onScroll, { passive: true });
    document.addEventListener('visibilitychange', this.onScroll);
  }

  messageItems() {
    return [...this.list.querySelectorAll(':scope > li[data-message-id]')];
  }

  /** After a (re)load: the server's position; marks the first unread message with the divider. Answers the divider or null. */
  loaded(lastReadId) {
    this.savedId = Math.max(this.savedId, lastReadId ?? 0);
    this.seenId = Math.max(this.seenId, lastReadId ?? 0);
    this.list.querySelector(':scope > li.new-divider')?.remove();
    let divider = null;
    const firstUnread = lastReadId ? this.messageItems().find((li) => Number(li.dataset.messageId) > lastReadId) : null;
    if (firstUnread && firstUnread !== this.list.querySelector(':scope > li[data-message-id]')) {
      divider = h('li', { class: 'new-divider', role: 'separator' }, h('span', {}, 'New since your last visit'));
      firstUnread.before(divider);
    }
    this.update();
    return divider;
  }

  /** Whether the bottom of the message list is on screen (a new message would be seen as it arrives). */
  atBottom() {
    const last = this.messageItems().at(-1);
    return !last || last.getBoundingClientRect().top < window.innerHeight;
  }

  /** Recomputes what was seen, the button, the title; saves a newer position. */
  update() {
    if (document.visibilityState === 'visible') {
      for (const li of this.messageItems().reverse()) {
        if (li.getBoundingClientRect().top < window.innerHeight) {
          this.seenId = Math.max(this.seenId, Number(li.dataset.messageId));
          break;
        }
      }
    }
    const unseen = this.messageItems().filter((li) => Number(li.dataset.messageId) > this.seenId).length;
    this.button.textContent = unseen > 0 ? `${plural(unseen, 'new message')} below` : 'Jump to latest';
    this.button.classList.toggle('has-new', unseen > 0);
    this.button.hidden = this.atBottom();
    const title = this.title();
    if (title) document.title = `${unseen > 0 ? `(${unseen}) ` : ''}${title} · Forum`;
    if (this.seenId > this.savedId) this.scheduleSave();
  }

  scheduleSave() {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(async () => {
      this.saveTimer = null;
      const id = this.seenId;
      try {
        const res = await put(`/api/forum/threads/${this.threadId}/read-position`, { last_read_message_id: id });
        this.savedId = Math.max(this.savedId, res?.last_read_message_id ?? id);
      } catch { /* kept for the next change */ }
    }, SAVE_AFTER_MS);
  }

  jumpToLatest() {
    const items = this.messageItems();
    const target = items.find((li) => Number(li.dataset.messageId) > this.seenId) ?? items.at(-1);
    target?.scrollIntoView({ block: 'end' });
    target?.querySelector('article')?.focus({ preventScroll: true });
    this.update();
  }

  dispose() {
    window.removeEventListener('scroll', this.onScroll);
    document.removeEventListener('visibilitychange', this.onScroll);
    cancelAnimationFrame(this.frame);
    clearTimeout(this.saveTimer);
    if (this.seenId > this.savedId) {
      put(`/api/forum/threads/${this.threadId}/read-position`, { last_read_message_id: this.seenId }).catch(() => {});
    }
    this.button.remove();
  }
}
