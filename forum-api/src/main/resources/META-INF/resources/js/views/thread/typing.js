// Typing in a thread: the line naming who else is typing (user_typing events, each shown for a
// while), and the typing frames this tab sends while its reply box is being typed in.
import { h } from '../../dom.js';

const TYPING_SEND_EVERY_MS = 3000;
const TYPING_IDLE_MS = 4000;
const TYPING_SHOW_MS = 6000;

export function typingText(names) {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names.length} people are typing…`;
}

/** The "… is typing" line: typing(frame) for each user_typing event, posted(userId) when their message arrives. */
export function typingLine(me) {
  const element = h('p', { class: 'typing', 'aria-live': 'polite' });
  const typers = new Map(); // user id -> {username, timer}
  const draw = () => { element.textContent = typingText([...typers.values()].map((t) => t.username)); };
  return {
    element,
    typing(frame) {
      if (frame.user_id === me?.id) return;
      clearTimeout(typers.get(frame.user_id)?.timer);
      if (frame.is_typing) {
        typers.set(frame.user_id, { username: frame.username, timer: setTimeout(() => { typers.delete(frame.user_id); draw(); }, TYPING_SHOW_MS) });
      } else {
        typers.delete(frame.user_id);
      }
      draw();
    },
    posted(userId) {
      if (!typers.has(userId)) return;
      clearTimeout(typers.get(userId).timer);
      typers.delete(userId);
      draw();
    },
    dispose() {
      for (const t of typers.values()) clearTimeout(t.timer);
    },
  };
}

/**
 * Sends "typing" for the thread while `textarea` is typed in (at most every TYPING_SEND_EVERY_MS)
 * and "stopped" after TYPING_IDLE_MS without input or when emptied. Returns stop().
 */
export function sendTyping(textarea, conn, threadId) {
  let sentAt = 0;
  let idle = null;
  function stop() {
    clearTimeout(idle);
    if (sentAt) conn?.sendTyping(threadId, false);
    sentAt = 0;
  }
  textarea.addEventListener('input', () => {
    if (!textarea.value) { stop(); return; }
    if (Date.now() - sentAt > TYPING_SEND_EVERY_MS) {
      conn?.sendTyping(threadId, true);
      sentAt = Date.now();
    }
    clearTimeout(idle);
    idle = setTimeout(stop, TYPING_IDLE_MS);
  });
  return stop;
}
