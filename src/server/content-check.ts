/**
 * What a client may put into a synced document, checked on every update
 * before the server takes it: content only under the root map `data` (the
 * model's one root type), maps, arrays and texts as shared types, JSON values
 * (no BigInt, undefined, NaN, binary data or subdocuments) at any depth, and
 * nothing nested deeper than `MAX_DEPTH` levels. Everything else would be
 * stored and sent to every reader while rules, schemas and queries (which see
 * only the JSON value of `data`) could not see it.
 */
import * as Y from 'yjs';
import { MAX_DEPTH } from '../model/paths/json-value.ts';

/** The kind of shared type an item sits in. */
export type ParentKind = 'map' | 'array' | 'text';

/** The kind of a shared type a client may create, or null for any other (XML types, bare abstract types). */
export function typeKind(type: unknown): ParentKind | null {
  if (type instanceof Y.XmlText) return null;
  if (type instanceof Y.Map) return 'map';
  if (type instanceof Y.Array) return 'array';
  if (type instanceof Y.Text) return 'text';
  return null;
}

/**
 * Why a plain value held as-is is not JSON, or null. `depth` is the level
 * the value sits at (1 for a field of the document). Iterative, so no value
 * can overflow the stack; nesting past `MAX_DEPTH` is refused.
 */
export function plainValueProblem(value: unknown, depth: number): string | null {
  const stack: Array<readonly [unknown, number]> = [[value, depth]];
  while (stack.length > 0) {
    const [node, at] = stack.pop() as readonly [unknown, number];
    if (at > MAX_DEPTH) return `the update nests values deeper than ${MAX_DEPTH} levels`;
    switch (typeof node) {
      case 'string':
      case 'boolean':
        continue;
      case 'number':
        if (!Number.isFinite(node)) return `the update holds ${String(node)}, which is not JSON`;
        continue;
      case 'bigint':
        return 'the update holds a BigInt, which is not JSON';
      case 'undefined':
        return 'the update holds undefined, which is not JSON';
      case 'object':
        break;
      default:
        return `the update holds a ${typeof node}, which is not JSON`;
    }
    if (node === null) continue;
    if (node instanceof Uint8Array) return 'the update holds binary data, which is not JSON';
    const children: unknown[] = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) stack.push([child, at + 1]);
  }
  return null;
}

/**
 * Why a new item's content may not go where it is, or null. `parent` is the
 * kind of type it is inserted into, `depth` its level (1 for a field of the
 * document) and `key` its key in a map (null in an array or a text).
 */
export function itemContentProblem(item: Y.Item, parent: ParentKind, depth: number, key: string | null): string | null {
  if (depth > MAX_DEPTH) return `the update nests values deeper than ${MAX_DEPTH} levels`;
  const content = item.content as unknown;
  if (content instanceof Y.ContentDeleted) return null;
  if (parent === 'map' && key === null) return 'the update puts an entry without a key into a map';
  if (parent !== 'map' && key !== null) return `the update puts a keyed entry into ${parent === 'text' ? 'a text' : 'an array'}`;
  if (parent === 'text') {
    return content instanceof Y.ContentString ? null : 'the update puts something other than characters into a text';
  }
  if (content instanceof Y.ContentAny) {
    for (const value of content.arr) {
      const problem = plainValueProblem(value, depth);
      if (problem) return problem;
    }
    return null;
  }
  if (content instanceof Y.ContentType) {
    return typeKind(content.type) ? null : `the update creates a ${content.type.constructor.name}; documents hold only maps, arrays and texts`;
  }
  if (content instanceof Y.ContentBinary) return 'the update holds binary data, which is not JSON';
  if (content instanceof Y.ContentDoc) return 'the update holds a subdocument; documents hold only JSON values';
  return `the update holds ${(content as object).constructor.name} content where ${parent === 'map' ? 'a map' : 'an array'} holds values`;
}
