// Tiny DOM helpers. Everything is inserted as text except the server's sanitised
// `content_html` (and a search hit's escaped `snippet_html`), which go through trustedHtml() and nowhere else.

/**
 * Builds an element: h('button', {class: 'x', type: 'button', onclick: fn}, 'Label', child).
 * Attributes starting with "on" become event listeners (never inline handler attributes);
 * boolean true sets an empty attribute, false/null/undefined skips it. Children are nodes or text.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (value === true) {
      el.setAttribute(name, '');
    } else {
      el.setAttribute(name, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces all children of el. */
export function replaceChildren(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/**
 * The one place HTML from the network is inserted: a message's `content_html`, which forum-api
 * renders from Markdown and sanitises, or a search hit's `snippet_html` (escaped text with <mark>).
 * Never pass anything else here.
 */
export function trustedHtml(el, contentHtml) {
  el.innerHTML = typeof contentHtml === 'string' ? contentHtml : '';
  for (const a of el.querySelectorAll('a[href]')) {
    a.setAttribute('rel', 'noopener noreferrer nofollow');
  }
  return el;
}

/** <time> with a machine-readable datetime and a locale label. */
export function time(iso) {
  if (!iso) return h('span');
  const d = new Date(iso);
  return h('time', { datetime: d.toISOString(), title: d.toLocaleString() }, formatWhen(d));
}

export function formatWhen(d) {
  const diff = (Date.now() - d.getTime()) / 1000;
  if (diff < 45) return 'just now';
  if (diff < 3600) return `${Math.round(diff / 60)} min ago`;
  if (diff < 86400) return `${Math.round(diff / 3600)} h ago`;
  return d.toLocaleDateString();
}

/** Cents to a price label: 0 -> "free", 500 -> "$5.00 tier". */
export function tierLabel(cents) {
  return cents > 0 ? `$${(cents / 100).toFixed(2)} tier` : 'free';
}

/** "1 message", "2 messages" (English plural with -s). */
export function plural(n, noun) {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
