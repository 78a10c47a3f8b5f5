// Image attachments for a Markdown textarea: an "Attach image" button (file picker), an image
// pasted from the clipboard, or files dropped on the field. Each file is uploaded to
// POST /api/forum/uploads (the server checks type, size and pixels, and strips metadata), with its
// progress and any error shown under the field; the answer's URL is inserted at the caret as
// ![name](/api/forum/uploads/<id>), which the server renders as an image in the posted message.
import { upload } from './api.js';
import { h } from './dom.js';

const ACCEPT = 'image/png,image/jpeg,image/gif,image/webp';

/** The alt text for a file: its name without the extension, without Markdown's brackets. */
export function altText(file) {
  const name = (file.name || '').replace(/\.[A-Za-z0-9]{1,5}$/, '').replace(/[[\]\\\n\r]/g, ' ').trim();
  return name && name !== 'image' ? name : 'pasted image';
}

/** Markdown for an uploaded image, on a line of its own at the caret of `textarea`. */
export function insertImage(textarea, alt, url) {
  const { selectionStart: start, selectionEnd: end, value } = textarea;
  const before = start > 0 && value[start - 1] !== '\n' ? '\n' : '';
  const after = end < value.length && value[end] !== '\n' ? '\n' : '';
  textarea.setRangeText(`${before}![${alt}](${url})${after}`, start, end, 'end');
  textarea.dispatchEvent(new Event('input', { bubbles: true }));
}

/**
 * Wires paste and drop on `textarea` (drop anywhere on `dropZone`) and returns the attach button
 * with its status line, to place under the field.
 */
export function imageAttachments(textarea, dropZone = textarea.parentElement) {
  const input = h('input', { type: 'file', accept: ACCEPT, multiple: true, hidden: true, 'aria-label': 'Image file to attach' });
  const button = h('button', { type: 'button', class: 'attach-button', onclick: () => input.click() }, 'Attach image');
  const progress = h('progress', { max: 1, value: 0, hidden: true, 'aria-label': 'Upload progress' });
  const status = h('span', { class: 'attach-status', role: 'status', 'aria-live': 'polite' });
  const error = h('p', { class: 'form-error attach-error', role: 'alert', hidden: true });
  let queue = Promise.resolve();

  function showError(message) {
    error.hidden = !message;
    error.textContent = message ?? '';
  }

  async function send(file) {
    const alt = altText(file);
    status.textContent = `Uploading ${alt}…`;
    progress.hidden = false;
    progress.value = 0;
    try {
      const uploaded = await upload('/api/forum/uploads', file, (fraction) => { progress.value = fraction; });
      insertImage(textarea, alt, uploaded.url);
      status.textContent = `Attached ${alt}.`;
    } catch (err) {
      status.textContent = '';
      showError(`Could not attach ${alt}: ${err.message}`);
    } finally {
      progress.hidden = true;
    }
  }

  function attach(files) {
    const list = [...files];
    if (!list.length) return;
    showError(null);
    for (const file of list) queue = queue.then(() => send(file));
  }

  input.addEventListener('change', () => {
    attach(input.files);
    input.value = '';
  });
  textarea.addEventListener('paste', (e) => {
    const files = [...(e.clipboardData?.files ?? [])];
    if (!files.length) return;
    e.preventDefault();
    attach(files);
  });
  const hasFiles = (e) => [...(e.dataTransfer?.types ?? [])].includes('Files');
  dropZone.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    dropZone.classList.add('drop-target');
  });
  dropZone.addEventListener('dragleave', () => dropZone.classList.remove('drop-target'));
  dropZone.addEventListener('drop', (e) => {
    dropZone.classList.remove('drop-target');
    if (!hasFiles(e)) return;
    e.preventDefault();
    attach(e.dataTransfer.files);
  });

  return h('div', { class: 'attachments' }, button, input, progress, status, error);
}
