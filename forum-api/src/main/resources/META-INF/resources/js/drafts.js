// Drafts: what the user typed in a reply box or the new-thread form survives reloads and
// navigation (localStorage, keyed by user and place: "forum-draft:<user id>:thread:12",
// "forum-draft:<user id>:new-thread:title"), and is cleared when it is sent. Signing out
// removes the user's drafts (a shared computer keeps nothing).
const PREFIX = 'forum-draft';

function storage() {
  try { return window.localStorage; } catch { return null; } // disabled storage: no drafts
}

/** Restores the draft `name` of `userId` into `field` (if empty) and saves every change. */
export function keepDraft(field, userId, name) {
  const key = `${PREFIX}:${userId}:${name}`;
  const store = storage();
  const saved = store?.getItem(key);
  if (saved && !field.value) field.value = saved;
  const save = () => {
    try {
      if (field.value.trim()) store?.setItem(key, field.value); else store?.removeItem(key);
    } catch { /* quota exceeded: the draft is just not kept */ }
  };
  field.addEventListener('input', save);
  return {
    restored: Boolean(saved),
    clear() { store?.removeItem(key); },
  };
}

/** Removes every draft of the user. */
export function clearDrafts(userId) {
  const store = storage();
  if (!store) return;
  const mine = `${PREFIX}:${userId}:`;
  for (let i = store.length - 1; i >= 0; i -= 1) {
    const key = store.key(i);
    if (key?.startsWith(mine)) store.removeItem(key);
  }
}
