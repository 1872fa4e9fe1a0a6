/**
 * The list both cold-start pages render (offline.bench.ts): one row per item.
 * When it first commits with all `expected` rows it records the time since
 * navigation start (`performance.now()`) in `window.__result`.
 */
import { useLayoutEffect } from 'react';

export interface Item {
  readonly title?: unknown;
  readonly done?: unknown;
  readonly n?: unknown;
}

/** What a cold-start page leaves in `window.__result` once it rendered every row. */
export interface ColdResult {
  /** ms from navigation start to the commit of the list with every row. */
  readonly renderMs: number;
  /** Rows in the DOM then. */
  readonly rows: number;
  /** Text of the first and last row (to check the data). */
  readonly first: string;
  readonly last: string;
  /** Page-specific marks, ms from navigation start. */
  readonly marks: Readonly<Record<string, number>>;
}

/** Marks a page records on the way (ms from navigation start). */
export const marks: Record<string, number> = {};

export function mark(name: string): void {
  marks[name] = performance.now();
}

export function params(): { readonly get: (name: string) => string } {
  const search = new URLSearchParams(location.search);
  return {
    get(name) {
      const value = search.get(name);
      if (value === null) throw new Error(`missing URL parameter "${name}"`);
      return value;
    },
  };
}

export function ItemList({ items, ids, expected }: { items: readonly Item[]; ids: readonly string[]; expected: number }) {
  useLayoutEffect(() => {
    if (items.length !== expected || (globalThis as { __result?: ColdResult }).__result) return;
    const renderMs = performance.now();
    const rows = document.querySelectorAll('#list > li');
    const result: ColdResult = { renderMs, rows: rows.length, first: rows[0]?.textContent ?? '', last: rows[rows.length - 1]?.textContent ?? '', marks };
    (globalThis as { __result?: ColdResult }).__result = result;
  });
  return (
    <ul id="list">
      {items.map((item, i) => (
        <li key={ids[i] ?? i}>
          {String(item.title)}
          {item.done === true ? ' ✓' : ''}
        </li>
      ))}
    </ul>
  );
}
