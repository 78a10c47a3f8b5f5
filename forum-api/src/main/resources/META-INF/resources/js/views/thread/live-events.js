// Live events of the open thread (WebSocket frames), applied to the parts of the view they change.

/** Whether `frame` is about thread `threadId` (a new sub-thread counts for its parent). */
export function concernsThread(frame, threadId) {
  if (Number(frame.thread_id) !== threadId && frame.type !== 'new_sub_thread_created') return false;
  return frame.type !== 'new_sub_thread_created' || Number(frame.parent_thread_id ?? frame.thread_id) === threadId;
}

/** view: {messages, typing, subThreads, state, header, gone(text)}. */
export function applyEvent(frame, view) {
  const { messages } = view;
  switch (frame.type) {
    case 'new_message': {
      const m = frame.message;
      if (m) view.typing.posted(m.user_id);
      messages.add(m, { live: true });
      break;
    }
    case 'message_edited': {
      const m = messages.messages.get(frame.message?.id);
      if (m) { Object.assign(m, frame.message, { is_edited: frame.message.is_edited ?? true }); messages.redraw(m.id); }
      break;
    }
    case 'messages_deleted': messages.remove(frame.message_ids ?? []); break;
    case 'message_deleted': messages.remove([frame.message_id]); break;
    case 'message_liked':
    case 'message_unliked': {
      const m = messages.messages.get(frame.message_id);
      if (!m) break;
      m.like_count = frame.like_count;
      const by = frame.liked_by ?? frame.unliked_by;
      if (by?.id === view.me?.id) { if (frame.type === 'message_liked') messages.liked.add(m.id); else messages.liked.delete(m.id); }
      messages.redraw(m.id);
      break;
    }
    case 'thread_updated':
      Object.assign(view.state.thread, frame.updates ?? frame.thread ?? {});
      view.header.draw();
      break;
    case 'thread_deleted': view.gone('This thread has been deleted.'); break;
    case 'message_thread_count_updated': {
      const m = messages.messages.get(frame.message_id);
      if (m) { m.spawned_thread_count = frame.spawned_thread_count; messages.redraw(m.id); }
      if (frame.sub_thread_id && !view.subThreads.has(frame.sub_thread_id)) {
        view.subThreads.put({ id: frame.sub_thread_id, title: frame.sub_thread_title, username: frame.creator_username });
      }
      break;
    }
    case 'new_sub_thread_created':
      if (frame.thread) view.subThreads.put(frame.thread);
      break;
    case 'user_typing': view.typing.typing(frame); break;
    default: break;
  }
}
