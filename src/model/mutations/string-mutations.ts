/**
 * `stringInsert` and `stringRemove`: character edits that merge.
 *
 * The first edit turns a plain string into a `Y.Text` (created identically by
 * peers that convert the same string concurrently, see stable-replace.ts), so
 * concurrent edits of the same string by different peers all survive.
 * Indices count UTF-16 code units, as JavaScript strings and Yjs do.
 */
import * as Y from 'yjs';
import type { DocEntry } from '../documents/doc-entry.ts';
import { locateField, materialize, type Location } from '../paths/locate.ts';
import { modelError } from '../model-error.ts';
import { stableReplace } from './stable-replace.ts';
import { commit, settle, type WriteCallback, type WriteScope } from './write-scope.ts';
import { describeNode } from '../paths/y-node.ts';

interface TextTarget {
  readonly location: Location;
  readonly current: string;
}

function textTarget(scope: WriteScope, method: string, path: string, allowMissing: boolean): TextTarget {
  const location = locateField(scope.store, method, path, 'a string');
  const node = location.node;
  if (node instanceof Y.Text) {
    const current = node.toString();
    if (current.length !== node.length) {
      throw modelError('type', method, path, `${path} is a rich text with embedded objects; edit it through its Y.Text`);
    }
    return { location, current };
  }
  if (typeof node === 'string') return { location, current: node };
  if (node === undefined && allowMissing) return { location, current: '' };
  throw modelError('type', method, path, `${path} is ${describeNode(node)}, not a string`);
}

function assertIndex(method: string, path: string, name: string, value: unknown, max: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw modelError('type', method, path, `${name} must be an integer, got ${String(value)}`);
  }
  if (value < 0 || value > max) throw modelError('range', method, path, `${name} ${value} is out of range (0-${max})`);
}

/** The `Y.Text` at the location, converting a plain or missing string first (inside a transaction). */
function ensureText(entry: DocEntry, location: Location): Y.Text {
  const parent = materialize(entry, location.ySegments);
  const node = parent instanceof Y.Array ? parent.get(Number(location.key)) : (parent as Y.Map<unknown>).get(location.key);
  if (node instanceof Y.Text) return node;
  const current = typeof node === 'string' ? node : '';
  if (parent instanceof Y.Array) {
    const index = Number(location.key);
    const text = new Y.Text(current);
    if (index < parent.length) parent.delete(index, 1);
    parent.insert(index, [text]);
    return text;
  }
  return stableReplace(parent, location.key, 'text', node, () => new Y.Text(current));
}

/** `stringInsert(path, index, text)`: inserts text at a character index. */
export function stringInsert(scope: WriteScope, path: string, index: number, text: string, callback?: WriteCallback): void {
  const { location, current } = textTarget(scope, 'stringInsert', path, true);
  assertIndex('stringInsert', path, 'index', index, current.length);
  if (typeof text !== 'string') throw modelError('type', 'stringInsert', path, `the text must be a string, got ${typeof text}`);
  if (text.length > 0) {
    const { target } = location;
    const entry = location.entry ?? scope.store.ensureEntry(target.collection, target.id);
    commit(scope, entry, () => ensureText(entry, location).insert(index, text), callback);
  } else {
    settle(scope, callback);
  }
}

/** `stringRemove(path, index, howMany)`: removes characters. */
export function stringRemove(scope: WriteScope, path: string, index: number, howMany: number, callback?: WriteCallback): void {
  const { location, current } = textTarget(scope, 'stringRemove', path, false);
  assertIndex('stringRemove', path, 'index', index, current.length);
  assertIndex('stringRemove', path, 'howMany', howMany, current.length - index);
  if (howMany > 0) {
    const entry = location.entry as DocEntry;
    commit(scope, entry, () => ensureText(entry, location).delete(index, howMany), callback);
  } else {
    settle(scope, callback);
  }
}
