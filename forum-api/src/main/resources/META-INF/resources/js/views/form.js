// Form helpers shared by the views: labelled fields and error display tied to the field.
import { ApiError } from '../api.js';
import { h } from '../dom.js';
import { markdownToolbar } from '../markdown-toolbar.js';

let uid = 0;

/** A labelled input/textarea/select. Returns the wrapper; the control is wrapper.control. */
export function field(label, control, hint) {
  const id = control.id || `f${++uid}`;
  control.id = id;
  const hintEl = hint ? h('small', { id: `${id}-hint`, class: 'hint' }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  const wrapper = h('div', { class: 'field' }, h('label', { for: id }, label), control, hintEl);
  wrapper.control = control;
  return wrapper;
}

/** A labelled textarea for Markdown, with a formatting toolbar above it. */
export function markdownField(label, textarea, hint) {
  const wrapper = field(label, textarea, hint);
  textarea.before(markdownToolbar(textarea, `${label}: formatting`));
  return wrapper;
}

/** An alert region for a form's errors. */
export function errorBox() {
  return h('p', { class: 'form-error', role: 'alert', hidden: true });
}

/** Shows an error (ApiError or text) in box and marks the offending field invalid. */
export function showError(box, err, form) {
  for (const el of form?.querySelectorAll('[aria-invalid]') ?? []) el.removeAttribute('aria-invalid');
  if (!err) {
    box.hidden = true;
    box.textContent = '';
    return;
  }
  box.hidden = false;
  box.textContent = err instanceof ApiError || err instanceof Error ? err.message : String(err);
  if (err instanceof ApiError && err.field && form) {
    const control = form.querySelector(`[name="${CSS.escape(err.field)}"]`);
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      control.focus();
    }
  }
}

/** Runs an async submit with the submit button disabled and errors shown in box. */
export async function busy(form, box, fn) {
  const buttons = form.querySelectorAll('button');
  for (const b of buttons) b.disabled = true;
  showError(box, null, form);
  try {
    return await fn();
  } catch (err) {
    showError(box, err, form);
    return undefined;
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

/**
 * A small form opened inside `container` (e.g. under a message): fields, a primary submit button
 * and Cancel. `onSubmit` runs through busy(); the form closes when it resolves.
 */
export function inlineForm(container, { label, fields, submitLabel, onSubmit }) {
  const box = errorBox();
  const close = () => container.replaceChildren();
  const form = h('form', { class: 'sub-form', 'aria-label': label }, box, fields,
    h('button', { type: 'submit', class: 'primary' }, submitLabel),
    h('button', { type: 'button', onclick: close }, 'Cancel'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(form, box, async () => {
      await onSubmit();
      close();
    });
  });
  container.append(form);
  form.querySelector('input, textarea')?.focus();
  return form;
}

/** Body of PUT /api/forum/moderation/users/{id}/everyone-restriction from the form values. */
export function restrictionBody(reason, untilLocal) {
  const body = { reason: reason.trim() };
  if (untilLocal) body.until = new Date(untilLocal).toISOString();
  return body;
}
