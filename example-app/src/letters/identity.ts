/**
 * Who I am on the letters board: a name and a colour picked at random per
 * browser tab and kept in sessionStorage (a reload keeps them, another tab
 * gets its own). Shared with the others through presence.
 */

export interface Identity {
  readonly name: string;
  readonly color: string;
}

/** What each client shares on the room's presence: who, and where its pointer is on the board. */
export interface CursorState extends Identity {
  readonly x?: number;
  readonly y?: number;
}

const NAMES = ['Ada', 'Alan', 'Barbara', 'Edsger', 'Grace', 'Hedy', 'Ken', 'Linus', 'Margaret', 'Radia', 'Tim', 'Yukihiro'] as const;
const COLORS = ['#e11d48', '#ea580c', '#ca8a04', '#16a34a', '#0891b2', '#2563eb', '#7c3aed', '#c026d3'] as const;
const KEY = 'yracer-letters-identity';

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)] as T;
}

function isIdentity(value: unknown): value is Identity {
  const { name, color } = (value ?? {}) as { name?: unknown; color?: unknown };
  return typeof name === 'string' && name !== '' && name.length <= 32 && typeof color === 'string' && /^#[0-9a-f]{6}$/i.test(color);
}

/** This tab's identity: the stored one, else a new random one (stored when sessionStorage works). */
export function myIdentity(): Identity {
  try {
    const stored: unknown = JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
    if (isIdentity(stored)) return { name: stored.name, color: stored.color };
  } catch {
    // Unreadable or blocked storage: pick a new identity.
  }
  const identity: Identity = { name: pick(NAMES), color: pick(COLORS) };
  try {
    sessionStorage.setItem(KEY, JSON.stringify(identity));
  } catch {
    // Storage blocked (private mode): the identity lasts as long as the page.
  }
  return identity;
}
