/**
 * Who is using this browser: a random id kept in localStorage, sent to the
 * server as the connection's token. A demo identity with no password: the
 * server trusts it to tell users apart, which is what the example's
 * "only the owner may delete" rule needs. It is also kept in a cookie of
 * the same name, so the page's server-side render acts for the same user.
 * Outside a browser it is `guest`.
 */
export const USER_KEY = 'yracer-todos-user';

/** This browser's user id. */
export function currentUser(): string {
  const storage = (globalThis as { localStorage?: Storage }).localStorage;
  if (!storage) return 'guest';
  let user = storage.getItem(USER_KEY);
  if (!user || !/^[A-Za-z0-9_-]{1,64}$/.test(user)) {
    user = `u${Math.random().toString(36).slice(2, 12)}`;
    storage.setItem(USER_KEY, user);
  }
  const doc = (globalThis as { document?: { cookie: string } }).document;
  if (doc && !doc.cookie.split('; ').includes(`${USER_KEY}=${user}`)) {
    doc.cookie = `${USER_KEY}=${user}; path=/; max-age=31536000; samesite=lax`;
  }
  return user;
}

/** True when this browser's user may delete a todo (the server's rule, checked before trying). */
export function mayDelete(todo: { readonly owner?: string | undefined } | undefined): boolean {
  return todo !== undefined && (todo.owner === undefined || todo.owner === currentUser());
}
