// Form helpers shared by the views: labelled fields and error display tied to the field.
import { ApiError } from '../api.js';
import { h } from '../dom.js';

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
