// Sign in / register.
import { get, post } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { busy, errorBox, field } from './form.js';

export function renderLogin(ctx, main, { mode }) {
  if (ctx.me) {
    ctx.navigate('#/threads');
    return null;
  }
  const registering = mode === 'register';
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, minlength: 3, maxlength: 32, pattern: '[A-Za-z0-9_.\\-]+', autocapitalize: 'none' });
  const password = h('input', { name: 'password', type: 'password', required: true, minlength: registering ? 8 : null, autocomplete: registering ? 'new-password' : 'current-password' });
  const displayName = h('input', { name: 'display_name', autocomplete: 'nickname', maxlength: 64 });
  const box = errorBox();
  const form = h('form', { class: 'card auth-form', novalidate: false },
    h('h1', {}, registering ? 'Create an account' : 'Sign in'),
    box,
    field('Username', username),
    registering ? field('Display name (optional)', displayName) : null,
    field('Password', password, registering ? 'At least 8 characters.' : null),
    h('button', { type: 'submit', class: 'primary' }, registering ? 'Create account' : 'Sign in'),
    h('p', {}, registering
      ? ['Already registered? ', h('a', { href: '#/login' }, 'Sign in')]
      : ['New here? ', h('a', { href: '#/register' }, 'Create an account')]));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(form, box, async () => {
      const credentials = { username: username.value.trim(), password: password.value };
      if (registering) {
        await post('/api/auth/register', { ...credentials, display_name: displayName.value.trim() || undefined });
      }
      const session = await post('/api/auth/login', credentials);
      await ctx.signedIn(session?.user ?? await get('/api/auth/me'));
      ctx.navigate('#/threads');
    });
  });
  replaceChildren(main, form);
  username.focus();
  return null;
}
