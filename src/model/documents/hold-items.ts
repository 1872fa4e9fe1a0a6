/**
 * What `subscribe`, `fetch`, `unsubscribe` and `unfetch` accept: document
 * paths (relative to the model's scope), scoped models, and arrays of them.
 * Paths below a document name that document.
 */
import { modelError } from '../model-error.ts';
import { isLocalCollection, joinPath, pathProblem, splitPath } from '../paths/path.ts';
import type { DocRef } from './sync-port.ts';

/** Something that has an absolute path: a scoped model. */
export interface HasPath {
  path(subpath?: string): string;
}

/** An item naming documents to hold. */
export type HoldItem = string | HasPath | readonly HoldItem[];

/** The synced documents named by the items (local collections are left out: they are never synced). */
export function docRefs(method: string, scopePath: string, items: readonly HoldItem[]): DocRef[] {
  const paths: string[] = [];
  const visit = (item: HoldItem): void => {
    if (typeof item === 'string') paths.push(joinPath(scopePath, item));
    else if (Array.isArray(item)) (item as readonly HoldItem[]).forEach(visit);
    else if (item && typeof (item as HasPath).path === 'function') paths.push((item as HasPath).path());
    else throw new TypeError(`yracer ${method}(): expected a path, a scoped model or an array of them, got ${typeof item}`);
  };
  if (items.length === 0) paths.push(scopePath);
  else items.forEach(visit);
  const refs = new Map<string, DocRef>();
  for (const path of paths) {
    const segments = splitPath(path);
    const problem = pathProblem(segments);
    if (problem) throw modelError('error', method, path, `invalid path: ${problem}`);
    const [collection, id] = segments;
    if (collection === undefined || id === undefined) {
      throw modelError('error', method, path, 'the path must name a document (collection.docId)');
    }
    if (!isLocalCollection(collection)) refs.set(`${collection}.${id}`, { collection, id });
  }
  return [...refs.values()];
}
