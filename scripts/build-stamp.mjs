// Build stamps for `npm start` (scripts/start.mjs): a build is skipped when
// the hash of its inputs equals the one stored beside its outputs by the last
// build, and its outputs are all there. The hash covers each input file's
// path and content (not its mtime: a checkout that rewrites equal files does
// not force a build), in a stable order.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Folder names never walked into: dependencies and build outputs are not inputs. */
const SKIPPED = new Set(['node_modules', 'dist', '.git']);

/** Every file under `path` (itself when a file), sorted; a missing path gives none. */
function filesUnder(path, keep) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  const files = [];
  for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED.has(entry.name)) files.push(...filesUnder(full, keep));
    } else if (entry.isFile() && keep(entry.name)) {
      files.push(full);
    }
  }
  return files;
}

/**
 * The SHA-256 of the inputs: each `{ path, keep }` (relative to `root`; a
 * file or a folder walked recursively, keeping the file names `keep` accepts,
 * all by default) adds its files' paths and contents; `extra` strings (such
 * as a tool's version) are hashed too.
 *
 * @example
 * const hash = hashInputs(root, [{ path: 'src' }, { path: 'tsconfig.json' }]);
 */
export function hashInputs(root, inputs, extra = []) {
  const hash = createHash('sha256');
  for (const text of extra) hash.update(`extra\0${text}\0`);
  for (const { path, keep = () => true } of inputs) {
    const files = filesUnder(join(root, path), keep);
    // A missing input hashes differently from an empty folder.
    if (files.length === 0) hash.update(`none\0${path}\0`);
    for (const file of files) {
      const content = readFileSync(file);
      hash.update(`file\0${relative(root, file).split(sep).join('/')}\0${content.length}\0`);
      hash.update(content);
    }
  }
  return hash.digest('hex');
}

/** True when `stampFile` holds `hash` and every file of `outputs` exists: the build can be skipped. */
export function isCurrent(stampFile, hash, outputs) {
  let stored;
  try {
    stored = JSON.parse(readFileSync(stampFile, 'utf8'));
  } catch {
    return false; // no stamp yet, or an unreadable one: build
  }
  return stored !== null && typeof stored === 'object' && stored.hash === hash && outputs.every((file) => existsSync(file));
}

/** Stores `hash` in `stampFile` (after a build that succeeded). */
export function writeStamp(stampFile, hash) {
  writeFileSync(stampFile, `${JSON.stringify({ hash, builtAt: new Date().toISOString() }, null, 2)}\n`);
}
