/**
 * Owners of pending writes in a shared offline store: each store instance
 * (a page load, a tab) writes under a random owner id and holds a Web Lock
 * named after it while it is open, so another tab can tell whether the
 * owner of pending writes it finds is still alive.
 */

/** Web Locks of owners are named this, then the owner id. */
const LOCK_PREFIX = 'yracer-owner:';

/** A new owner id: 16 hex digits. */
export function randomOwner(): string {
  const bytes = new Uint8Array(8);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The owners whose clients are alive, where the environment can tell (Web Locks); null when it cannot. */
export async function liveOwners(): Promise<Set<string> | null> {
  const locks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
  if (!locks) return null;
  const snapshot = await locks.query();
  const names = [...(snapshot.held ?? []), ...(snapshot.pending ?? [])].map((lock) => lock.name ?? '');
  return new Set(names.filter((name) => name.startsWith(LOCK_PREFIX)).map((name) => name.slice(LOCK_PREFIX.length)));
}

/** Holds a Web Lock named after the owner for as long as the store is open (so other tabs see it is alive). */
export function holdOwnerLock(owner: string): () => void {
  const locks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
  if (!locks) return () => undefined;
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  void locks.request(LOCK_PREFIX + owner, () => held).catch(() => undefined);
  return release;
}
