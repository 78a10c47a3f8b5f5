// A user's profile card (#/users/<username>): name, role badge, join date, recent posts the viewer
// may read (GET /api/forum/users/{username}). Mention links and authors' names lead here.
import { get } from '../api.js';
import { h, replaceChildren, time } from '../dom.js';

const ROLE_LABEL = { admin: 'Admin', moderator: 'Moderator', member: 'Member' };

export function renderProfile(ctx, main, { username }) {
  const card = h('section', { class: 'card profile', 'aria-labelledby': 'profile-h', 'aria-busy': 'true' },
    h('h1', { id: 'profile-h' }, `@${username}`), h('p', { class: 'muted' }, 'Loading…'));
  replaceChildren(main, h('p', { class: 'crumb' }, h('a', { href: '#/threads' }, '← All threads')), card);
  let disposed = false;
  get(`/api/forum/users/${encodeURIComponent(username)}`).then((u) => {
    if (disposed) return;
    const role = String(u.role ?? 'member').toLowerCase();
    document.title = `@${u.username} · Forum`;
    replaceChildren(card,
      h('h1', { id: 'profile-h' }, `@${u.username}`, ' ', h('span', { class: `tag tag-role tag-${role}` }, ROLE_LABEL[role] ?? role)),
      u.display_name && u.display_name !== u.username ? h('p', { class: 'profile-name' }, u.display_name) : null,
      h('p', { class: 'muted' }, 'Joined ', time(u.created_at)),
      h('h2', {}, 'Recent posts'),
      u.recent_posts?.length
        ? h('ul', { class: 'recent-posts' }, u.recent_posts.map((p) => h('li', {},
          h('a', { href: `#/threads/${p.thread_id}/messages/${p.message_id}` }, p.thread_title), ' ',
          h('span', { class: 'muted' }, time(p.created_at)),
          h('p', { class: 'excerpt' }, p.excerpt))))
        : h('p', { class: 'muted' }, 'No posts you can see yet.'));
    card.setAttribute('aria-busy', 'false');
  }).catch((err) => {
    if (disposed) return;
    replaceChildren(card, h('h1', { id: 'profile-h' }, `@${username}`),
      h('p', { class: 'notice', role: 'alert' }, err.status === 404 ? 'There is no such user.' : `Could not load the profile: ${err.message}`));
    card.setAttribute('aria-busy', 'false');
  });
  return () => { disposed = true; document.title = 'Forum'; };
}
