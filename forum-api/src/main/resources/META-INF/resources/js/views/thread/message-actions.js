// What a message's buttons do: like/unlike, edit in place, delete (with its replies), start a
// sub-thread from it, and (staff) restrict its author's @everyone. Each acts on the message list.
import { del, patch, post, put } from '../../api.js';
import { h } from '../../dom.js';
import { mentionAutocomplete } from '../../mentions.js';
import { busy, errorBox, field, inlineForm, markdownField, restrictionBody } from '../form.js';

export function messageActions({ ctx, threadId, messages }) {
  async function like(id) {
    const wasLiked = messages.liked.has(id);
    try {
      const res = wasLiked ? await del(`/api/forum/messages/${id}/like`) : await post(`/api/forum/messages/${id}/like`);
      if (res?.is_liked ?? !wasLiked) messages.liked.add(id); else messages.liked.delete(id);
      const m = messages.messages.get(id);
      if (m && typeof res?.like_count === 'number') m.like_count = res.like_count;
      messages.redraw(id);
      messages.nodes.get(id)?.querySelector('button.like')?.focus();
    } catch (err) {
      ctx.toast(`Could not ${wasLiked ? 'unlike' : 'like'}: ${err.message}`, { kind: 'error' });
    }
  }

  function edit(id) {
    const m = messages.messages.get(id);
    const node = messages.nodes.get(id);
    if (!m || !node) return;
    const text = h('textarea', { name: 'content', rows: 4, required: true });
    text.value = m.content ?? '';
    const box = errorBox();
    const form = h('form', { class: 'edit-form', 'aria-label': 'Edit message' }, box, markdownField('Edited text', text),
      h('button', { type: 'submit', class: 'primary' }, 'Save'),
      h('button', { type: 'button', onclick: () => { messages.redraw(id); messages.nodes.get(id)?.querySelector('article')?.focus(); } }, 'Cancel'));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      busy(form, box, async () => {
        Object.assign(m, await patch(`/api/forum/messages/${id}`, { content: text.value }));
        messages.redraw(id);
      });
    });
    mentionAutocomplete(text, { threadId });
    node.querySelector('.message-body').replaceWith(form);
    node.querySelector('.message-actions').hidden = true;
    text.focus();
  }

  async function remove(id) {
    if (!window.confirm('Delete this message and its replies?')) return;
    try {
      const res = await del(`/api/forum/messages/${id}`);
      messages.remove(res?.message_ids ?? [id]);
    } catch (err) {
      ctx.toast(`Could not delete: ${err.message}`, { kind: 'error' });
    }
  }

  function subThread(id) {
    const extra = messages.nodes.get(id)?.querySelector('.message-extra');
    if (!extra || extra.firstChild) return;
    const title = h('input', { name: 'title', required: true, maxlength: 200 });
    const text = h('textarea', { name: 'content', rows: 3 });
    mentionAutocomplete(text, { threadId });
    inlineForm(extra, {
      label: 'Start a sub-thread',
      fields: [field('Sub-thread title', title), markdownField('First message (optional)', text)],
      submitLabel: 'Start sub-thread',
      onSubmit: async () => {
        const body = { title: title.value.trim() };
        if (text.value.trim()) body.content = text.value;
        const created = await post(`/api/forum/messages/${id}/threads`, body);
        ctx.navigate(`#/threads/${created.id}`);
      },
    });
  }

  /** Staff: forbid the author of a message to use @everyone (reason, optional end). */
  function restrict(m) {
    const extra = messages.nodes.get(m.id)?.querySelector('.message-extra');
    if (!extra || extra.firstChild) return;
    const reason = h('input', { name: 'reason', required: true, maxlength: 500 });
    const until = h('input', { name: 'until', type: 'datetime-local' });
    inlineForm(extra, {
      label: `Restrict ${m.username}'s @everyone`,
      fields: [field(`Reason for restricting ${m.username}`, reason), field('Until (optional)', until, 'Empty = until lifted.')],
      submitLabel: 'Restrict',
      onSubmit: async () => {
        await put(`/api/forum/moderation/users/${m.user_id}/everyone-restriction`, restrictionBody(reason.value, until.value));
        ctx.toast(`${m.username} may not use @everyone${until.value ? ` until ${new Date(until.value).toLocaleString()}` : ''}.`);
      },
    });
  }

  return { like, edit, delete: remove, subThread, restrict };
}
