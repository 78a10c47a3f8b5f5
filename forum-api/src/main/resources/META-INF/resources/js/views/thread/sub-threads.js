// The "Sub-threads" section of a thread view: the threads spawned from its messages, by id.
import { h, replaceChildren } from '../../dom.js';

export function subThreadList() {
  const threads = new Map(); // sub-thread id -> ThreadView
  const list = h('ul', { class: 'sub-threads', 'aria-label': 'Sub-threads' });
  const element = h('section', { class: 'card', 'aria-labelledby': 'sub-h', hidden: true },
    h('h2', { id: 'sub-h' }, 'Sub-threads'), list);

  function draw() {
    element.hidden = threads.size === 0;
    replaceChildren(list, [...threads.values()].sort((a, b) => a.id - b.id).map((t) =>
      h('li', {}, h('a', { href: `#/threads/${t.id}` }, t.title), ' ',
        h('span', { class: 'muted' }, `by ${t.username ?? 'unknown'}`))));
  }

  return {
    element,
    has: (id) => threads.has(id),
    /** Adds or replaces one sub-thread. */
    put(thread) {
      threads.set(thread.id, thread);
      draw();
    },
    /** Shows exactly these sub-threads. */
    replace(all) {
      threads.clear();
      for (const t of all) threads.set(t.id, t);
      draw();
    },
  };
}
