// A thread over REST: its newest page of messages, earlier pages by keyset, its sub-threads.
import { get, query } from '../../api.js';

export const MESSAGE_PAGE = 50;
/** Opening at the first unread message loads at most this many pages back (older unread: "Load earlier"). */
const MAX_PAGES_BACK_TO_UNREAD = 10;

/**
 * One page of a thread: GET /api/forum/threads/{id}?latest=true (the newest page) or
 * ?before_message_id=&limit= (the page immediately before a message) answers
 * {thread, is_following, messages (oldest first), has_earlier}.
 */
export async function fetchMessagePage(threadId, beforeMessageId = 0) {
  const params = beforeMessageId ? { limit: MESSAGE_PAGE, before_message_id: beforeMessageId } : { limit: MESSAGE_PAGE, latest: true };
  const page = await get(`/api/forum/threads/${threadId}${query(params)}`);
  const messages = page.messages ?? [];
  return {
    thread: page.thread, isFollowing: Boolean(page.is_following), messages, hasEarlier: Boolean(page.has_earlier) && messages.length > 0,
    lastRead: page.last_read_message_id ?? 0,
  };
}

/**
 * Loads a thread, its sub-threads and its newest page of messages, then earlier pages only while
 * the first loaded message is above `from` (a message to focus, or the first message the view
 * showed before a reload) or, with `toLastRead`, above the caller's read position (at most
 * MAX_PAGES_BACK_TO_UNREAD pages). Answers {thread, isFollowing, messages, hasEarlier, subThreads, lastRead}.
 */
export async function fetchThread(threadId, { from = 0, toLastRead = false } = {}) {
  const newest = await fetchMessagePage(threadId);
  const messages = [...newest.messages];
  let hasEarlier = newest.hasEarlier;
  const unreadFrom = toLastRead && newest.lastRead > 0 ? newest.lastRead : 0;
  let pagesToUnread = MAX_PAGES_BACK_TO_UNREAD;
  while (hasEarlier && ((from > 0 && messages[0].id > from) || (unreadFrom > 0 && messages[0].id > unreadFrom && pagesToUnread-- > 0))) {
    const page = await fetchMessagePage(threadId, messages[0].id);
    messages.unshift(...page.messages);
    hasEarlier = page.hasEarlier;
  }
  let subThreads = [];
  try {
    subThreads = (await get(`/api/forum/threads${query({ parent_thread_id: threadId, limit: 100 })}`))?.threads ?? [];
  } catch { /* the list is a convenience; the thread itself loaded */ }
  return { thread: newest.thread, isFollowing: newest.isFollowing, messages, hasEarlier, subThreads, lastRead: newest.lastRead };
}
