// A small Markdown toolbar for a textarea: wraps the selection (or inserts a placeholder) with
// the syntax, keeps focus in the textarea. Ctrl/Cmd+B and Ctrl/Cmd+I work too. The server renders
// and sanitises the Markdown; this only helps typing it.
import { h } from './dom.js';

const ACTIONS = [
  { label: 'Bold', text: 'B', key: 'b', before: '**', after: '**', placeholder: 'bold text' },
  { label: 'Italic', text: 'I', key: 'i', before: '_', after: '_', placeholder: 'italic text' },
  { label: 'Code', text: '</>', before: '`', after: '`', placeholder: 'code' },
  { label: 'Link', text: 'Link', before: '[', after: '](https://)', placeholder: 'link text' },
  { label: 'Quote', text: '❝', line: '> ', placeholder: 'quote' },
  { label: 'Bulleted list', text: '•', line: '- ', placeholder: 'item' },
];

/** Applies one action to the textarea's selection and fires `input` (typing indicator, etc.). */
export function applyMarkdown(textarea, action) {
  const { selectionStart: start, selectionEnd: end, value } = textarea;
  const selected = value.slice(start, end) || action.placeholder;
  let insert;
  if (action.line) {
    insert = selected.split('\n').map((l) => action.line + l).join('\n');
  } else {
    insert = action.before + selected + action.after;
  }
  textarea.setRangeText(insert, start, end, 'end');
  if (!action.line) {
    const from = start + action.before.length;
    textarea.setSelectionRange(from, from + selected.length);
  }
  textarea.focus();
  textarea.dispatchEvent(new Event('input', { bubbles: true }));
}

/** A role="toolbar" bound to textarea (roving focus with the arrow keys). */
export function markdownToolbar(textarea, label = 'Formatting') {
  const buttons = ACTIONS.map((a, i) => h('button', {
    type: 'button', class: 'md-button', 'aria-label': a.label, title: a.key ? `${a.label} (Ctrl+${a.key.toUpperCase()})` : a.label,
    tabindex: i === 0 ? '0' : '-1', onclick: () => applyMarkdown(textarea, a),
  }, a.text));
  const bar = h('div', { class: 'md-toolbar', role: 'toolbar', 'aria-label': label, 'aria-controls': textarea.id || null }, buttons);
  bar.addEventListener('keydown', (e) => {
    const i = buttons.indexOf(document.activeElement);
    if (i < 0 || (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft')) return;
    e.preventDefault();
    const next = buttons[(i + (e.key === 'ArrowRight' ? 1 : buttons.length - 1)) % buttons.length];
    buttons[i].tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  });
  textarea.addEventListener('keydown', (e) => {
    if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
    const action = ACTIONS.find((a) => a.key === e.key.toLowerCase());
    if (action) {
      e.preventDefault();
      applyMarkdown(textarea, action);
    }
  });
  return bar;
}
