/**
 * Reading below a snapshot or a Yjs node one path segment at a time: how
 * `ModelStore.read` walks to the value at a path.
 */
import * as Y from 'yjs';
import { isIndexSegment } from './path.ts';
import { isCounter, mapGet, type YType } from './y-node.ts';

/** The object itself when it has a key, else undefined (an empty document does not exist). */
export function nonEmpty(value: unknown): unknown {
  for (const _ in value as object) return value;
  return undefined;
}

/** The child of a Yjs node at a segment (undefined for a counter, a missing key or a bad index). */
export function child(node: unknown, segment: string): unknown {
  if (node instanceof Y.Map) return isCounter(node) ? undefined : mapGet(node as YType, segment);
  if (node instanceof Y.Array) return isIndexSegment(segment) ? (node as Y.Array<unknown>).get(Number(segment)) : undefined;
  return undefined;
}

/** The value at `segments` from `from` on, below a plain snapshot value (undefined when missing). */
export function readPlain(value: unknown, segments: readonly string[], from: number): unknown {
  let node = value;
  for (let i = from; i < segments.length; i++) {
    const segment = segments[i] as string;
    if (Array.isArray(node)) {
      node = isIndexSegment(segment) ? node[Number(segment)] : undefined;
    } else if (typeof node === 'object' && node !== null && Object.prototype.hasOwnProperty.call(node, segment)) {
      node = (node as Record<string, unknown>)[segment];
    } else {
      return undefined;
    }
  }
  return node;
}
