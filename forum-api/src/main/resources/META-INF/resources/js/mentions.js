// Mentions in the client. highlightMentions() marks the viewer's own mentions in a message's
// server-rendered HTML (forum-api renders @user as a.mention[data-username], @team and @everyone
// as span.mention-team / span.mention-everyone). mentionAutocomplete(): username autocomplete for a Markdown textarea: typing "@b" lists the users whose name starts
// with "b" and who may read the thread (GET /api/forum/users?prefix=&thread_id=, rate limited on
// the server, so lookups are debounced and cached), plus @team and @everyone. ARIA combobox:
// arrow keys move, Enter or Tab completes, Escape closes; clicking an option completes too.
import { get, query } from './api.js';
import { h, replaceChildren } from './dom.js';

const DEBOUNCE_MS = 150;
const GROUPS = [
  { username: 'team', display_name: 'moderators and admins' },
  { username: 'everyone', display_name: 'everyone who can read this thread' },
];
let uid = 0;

/** The "@prefix" ending at the caret, or null: `@` must start the text or follow a non-name character. */
export function mentionAt(text, caret) {
  const m = /(^|[^A-Za-z0-9_.+\-@/\\%=])@([A-Za-z0-9_.-]{1,32})$/.exec(text.slice(0, caret));
  return m ? { prefix: m[2], start: caret - m[2].length - 1 } : null;
}

/** Attaches the autocomplete to textarea; threadId (or null for a new thread) limits who is offered. */
export function mentionAutocomplete(textarea, { threadId = null } = {}) {
  const listId = `mention-list-${++uid}`;
  const list = h('ul', { id: listId, class: 'mention-list', role: 'listbox', 'aria-label': 'Mention suggestions', hidden: true });
  textarea.setAttribute('role', 'combobox');
  textarea.setAttribute('aria-autocomplete', 'list');
  textarea.setAttribute('aria-controls', listId);
  textarea.setAttribute('aria-expanded', 'false');
  const cache = new Map();
  let options = [];
  let active = -1;
  let at = null;
  let timer = null;
  let asked = 0;

  function close() {
    list.hidden = true;
    options = [];
    active = -1;
    textarea.setAttribute('aria-expanded', 'false');
    textarea.removeAttribute('aria-activedescendant');
  }

  function draw() {
    if (!options.length) { close(); return; }
    if (!list.isConnected) textarea.after(list); // the textarea may have been placed after the call
    replaceChildren(list, options.map((u, i) => h('li', {
      id: `${listId}-${i}`, role: 'option', 'aria-selected': String(i === active), class: 'mention-option',
      onmousedown: (e) => { e.preventDefault(); complete(u.username); },
    }, h('strong', {}, `@${u.username}`), u.display_name && u.display_name !== u.username ? h('span', { class: 'muted' }, ` ${u.display_name}`) : null)));
    list.hidden = false;
    textarea.setAttribute('aria-expanded', 'true');
    if (active >= 0) textarea.setAttribute('aria-activedescendant', `${listId}-${active}`); else textarea.removeAttribute('aria-activedescendant');
  }

  function complete(username) {
    if (!at) return;
    const before = textarea.value.slice(0, at.start);
    const after = textarea.value.slice(textarea.selectionStart);
    const insert = `@${username} `;
    textarea.value = before + insert + after.replace(/^[A-Za-z0-9_.-]*/, '');
    const caret = before.length + insert.length;
    textarea.setSelectionRange(caret, caret);
    close();
    textarea.dispatchEvent(new Event('input', { bubbles: true }));
  }

  async function lookup(prefix) {
    const key = prefix.toLowerCase();
    if (!cache.has(key)) {
      cache.set(key, get(`/api/forum/users${query({ prefix, thread_id: threadId })}`)
        .then((body) => body?.users ?? [])
        .catch(() => { cache.delete(key); return []; }));
    }
    return cache.get(key);
  }

  textarea.addEventListener('input', () => {
    at = mentionAt(textarea.value, textarea.selectionStart);
    clearTimeout(timer);
    if (!at) { close(); return; }
    const ticket = ++asked;
    const { prefix } = at;
    timer = setTimeout(async () => {
      const users = await lookup(prefix);
      if (ticket !== asked) return; // the user typed on
      const groups = GROUPS.filter((g) => g.username.startsWith(prefix.toLowerCase()));
      options = [...users, ...groups];
      active = options.length ? 0 : -1;
      draw();
    }, DEBOUNCE_MS);
  });
  textarea.addEventListener('keydown', (e) => {
    if (list.hidden || !options.length) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      active = (active + (e.key === 'ArrowDown' ? 1 : -1) + options.length) % options.length;
      draw();
    } else if ((e.key === 'Enter' || e.key === 'Tab') && !e.ctrlKey && !e.metaKey && active >= 0) {
      e.preventDefault();
      e.stopImmediatePropagation();
      complete(options[active].username);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      close();
    }
  });
  textarea.addEventListener('blur', () => setTimeout(close, 100));
  return list;
}

/**
 * Marks the mentions in a rendered message that address the viewer (@their name, @everyone, and
 * @team for staff) with the class mention-me; answers whether there was one.
 */
export function highlightMentions(body, me, isStaff) {
  let mine = false;
  const name = me?.username?.toLowerCase();
  for (const el of body.querySelectorAll('.mention')) {
    const forMe = (el.dataset.username && el.dataset.username.toLowerCase() === name)
      || el.classList.contains('mention-everyone') || (isStaff && el.classList.contains('mention-team'));
    el.classList.toggle('mention-me', Boolean(forMe));
    mine ||= Boolean(forMe);
  }
  return mine;
}
