// The reply box of a thread: Markdown with toolbar, @mention autocomplete, image attachments, a
// draft kept across reloads, typing frames, "Replying to …" with Cancel, Ctrl+Enter sends; it
// says so and refuses input while the thread is locked for this user.
import { post } from '../../api.js';
import { imageAttachments } from '../../attachments.js';
import { h, replaceChildren } from '../../dom.js';
import { keepDraft } from '../../drafts.js';
import { mentionAutocomplete } from '../../mentions.js';
import { busy, errorBox, markdownField } from '../form.js';
import { sendTyping } from './typing.js';

const LOCKED = 'This thread is locked.';

/** messageById(id): the loaded message a reply refers to; onSent(message): the posted message. */
export function replyBox({ threadId, me, conn, messageById, onSent }) {
  const content = h('textarea', { name: 'content', rows: 4, required: true });
  const banner = h('p', { class: 'reply-banner', hidden: true });
  const box = errorBox();
  const sendButton = h('button', { type: 'submit', class: 'primary' }, 'Send');
  const form = h('form', { class: 'card compose', 'aria-labelledby': 'compose-h', hidden: true },
    h('h2', { id: 'compose-h' }, 'Reply to thread'), box, banner,
    markdownField('Message', content, 'Markdown supported. Ctrl+Enter sends. Mention with @username, @team, @everyone. Paste or drop images.'),
    sendButton);
  sendButton.before(imageAttachments(content));
  mentionAutocomplete(content, { threadId });
  const draft = me ? keepDraft(content, me.id, `thread:${threadId}`) : null;
  const stopTyping = sendTyping(content, conn, threadId);
  let replyTo = null;

  content.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) form.requestSubmit();
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!content.value.trim()) return;
    busy(form, box, async () => {
      const body = { content: content.value };
      if (replyTo) body.reply_to_id = replyTo;
      const created = await post(`/api/forum/threads/${threadId}/messages`, body);
      stopTyping();
      content.value = '';
      draft?.clear();
      setReplyTo(null);
      onSent(created);
    }).then(() => content.focus());
  });

  function setReplyTo(id) {
    replyTo = id;
    const m = id ? messageById(id) : null;
    if (!m) {
      replyTo = null;
      banner.hidden = true;
      return;
    }
    replaceChildren(banner, `Replying to ${m.username}`, ' ',
      h('button', { type: 'button', class: 'linkish', onclick: () => setReplyTo(null) }, 'Cancel reply'));
    banner.hidden = false;
    content.focus();
  }

  function setLocked(locked) {
    content.disabled = locked;
    sendButton.disabled = locked;
    if (locked) {
      box.hidden = false;
      box.textContent = LOCKED;
    } else if (box.textContent === LOCKED) {
      box.hidden = true;
      box.textContent = '';
    }
  }

  return {
    element: form,
    setReplyTo,
    /** A message was removed: a reply to it is no longer one. */
    removed(id) { if (replyTo === id) setReplyTo(null); },
    setLocked,
    stopTyping,
  };
}
