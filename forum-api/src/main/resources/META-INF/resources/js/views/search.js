// Search results (#/search?q=...&sort=newest): GET /api/forum/search, ranked or newest first,
// more on demand (next_offset). Snippets are server-escaped text with <mark> highlights.
import { get, query } from '../api.js';
import { h, replaceChildren, time, trustedHtml } from '../dom.js';
import { errorBox, field } from './form.js';

const PAGE = 20;

/** The hash of a search: #/search?q=...[&sort=newest]. */
export function searchHash(q, sort = 'relevance') {
  return `#/search${query({ q, sort: sort === 'relevance' ? null : sort })}`;
}

export function renderSearch(ctx, main, { params }) {
  const q = (params.get('q') ?? '').trim();
  const sort = params.get('sort') === 'newest' ? 'newest' : 'relevance';
  let nextOffset = null;
  let loading = false;

  const input = h('input', { name: 'q', type: 'search', required: true, maxlength: 200, value: q, autocomplete: 'off' });
  const sortSelect = h('select', { name: 'sort' },
    h('option', { value: 'relevance', selected: sort === 'relevance' }, 'Best match'),
    h('option', { value: 'newest', selected: sort === 'newest' }, 'Newest first'));
  const box = errorBox();
  const form = h('form', { class: 'search-form card', role: 'search', 'aria-label': 'Search the forum' },
    field('Search for', input, 'Words, "a phrase", -exclude, either or, prefix*'),
    field('Order', sortSelect),
    h('button', { type: 'submit', class: 'primary' }, 'Search'));
  const submit = () => ctx.navigate(searchHash(input.value.trim(), sortSelect.value));
  form.addEventListener('submit', (e) => { e.preventDefault(); if (input.value.trim()) submit(); });
  sortSelect.addEventListener('change', () => { if (input.value.trim()) submit(); });

  const status = h('p', { class: 'muted', role: 'status' });
  const list = h('ol', { class: 'search-results', 'aria-label': 'Search results' });
  const more = h('button', { type: 'button', class: 'load-more', hidden: true, onclick: () => load() }, 'More results');

  function item(r) {
    const href = r.message_id ? `#/threads/${r.thread_id}/messages/${r.message_id}` : `#/threads/${r.thread_id}`;
    return h('li', { class: 'search-result', dataset: { kind: r.kind, threadId: r.thread_id, messageId: r.message_id ?? '' } },
      h('a', { class: 'search-title', href }, r.kind === 'thread' ? 'Thread: ' : '', r.thread_title),
      trustedHtml(h('p', { class: 'snippet' }), r.snippet_html),
      h('p', { class: 'muted' }, r.kind === 'thread' ? 'started by ' : '', r.username, ' · ', time(r.created_at)));
  }

  async function load() {
    if (loading) return;
    loading = true;
    more.disabled = true;
    list.setAttribute('aria-busy', 'true');
    try {
      const offset = nextOffset ?? 0;
      const page = await get(`/api/forum/search${query({ q, sort, limit: PAGE, offset: offset || null })}`);
      list.append(...(page?.results ?? []).map(item));
      nextOffset = page?.next_offset ?? null;
      const n = list.childElementCount;
      status.textContent = n === 0 ? `No results for “${q}”.`
        : `${n}${nextOffset ? '+' : ''} result${n === 1 ? '' : 's'} for “${q}”`;
    } catch (err) {
      showSearchError(box, err);
    } finally {
      loading = false;
      more.disabled = false;
      more.hidden = !nextOffset;
      list.setAttribute('aria-busy', 'false');
    }
  }

  replaceChildren(main, h('section', { 'aria-labelledby': 'search-h' },
    h('h1', { id: 'search-h' }, 'Search'), form, box, status, list, more));
  document.title = q ? `Search: ${q} · Forum` : 'Search · Forum';
  if (q) load(); else input.focus();
  return () => { document.title = 'Forum'; };
}

function showSearchError(box, err) {
  box.hidden = false;
  box.textContent = err.status === 400 ? `Cannot search for that: ${err.message}.` : `Search failed: ${err.message}`;
}
