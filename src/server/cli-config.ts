/**
 * `yracer serve --config <file>`: the server options a command line cannot
 * carry (`authenticate`, `rules`, `schema`, `history`, `changeFeed`, limits,
 * ...) from a module of the application's. Storage and fan-out stay the
 * command line's (`--db`, `--postgres`, `--redis`), so one config serves
 * SQLite on a laptop and Postgres with `--workers` in production (every
 * worker imports it).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Storage } from '../storage/storage.ts';
import { resolveServerOptions, type ServerOptions } from './server-options.ts';

/** The server options a config module gives: every option but storage and fan-out, which the command line sets. */
export type ServerConfig = Omit<ServerOptions, 'storage' | 'fanout'>;

/**
 * Types a config module's default export (it returns `config` as it is).
 *
 * @example
 * // yracer.config.mjs, run with: npx yracer serve --config ./yracer.config.mjs
 * import { defineConfig } from 'yracer/server';
 * export default defineConfig({
 *   authenticate: (request) => ({ user: new URL(request.url ?? '/', 'http://x').searchParams.get('user') }),
 *   rules: { todos: { read: () => true, create: () => true, update: () => true, delete: () => false } },
 * });
 */
export function defineConfig(config: ServerConfig): ServerConfig {
  return config;
}

/** A config module that cannot be used, with the reason (the CLI prints it and exits 2). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Imports the config module at `file` (relative to the working directory)
 * and returns its default export: an object of server options, or a
 * function (sync or async) returning one. Rejects with a `ConfigError`
 * naming the file when it cannot be imported, exports no object, or sets
 * `storage` or `fanout`.
 */
export async function loadConfig(file: string): Promise<ServerConfig> {
  const url = pathToFileURL(resolve(file)).href;
  let module: { readonly default?: unknown };
  try {
    module = (await import(url)) as { readonly default?: unknown };
  } catch (error) {
    throw new ConfigError(`--config ${file} could not be imported (${error instanceof Error ? error.message : String(error)})`);
  }
  let config = module.default;
  if (typeof config === 'function') config = await (config as () => unknown)();
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ConfigError(`--config ${file} must export default an object of server options (or a function returning one), got ${config === null ? 'null' : Array.isArray(config) ? 'an array' : typeof config}`);
  }
  for (const key of ['storage', 'fanout'] as const) {
    if (key in config) throw new ConfigError(`--config ${file} sets ${key}: the command line sets it (${key === 'storage' ? '--db or --postgres' : '--redis'})`);
  }
  // A misspelt option (say `rule`) would leave the server open: refuse what createServer does not know.
  const known = new Set(Object.keys(resolveServerOptions({ storage: {} as Storage })));
  const unknown = Object.keys(config).filter((key) => !known.has(key));
  if (unknown.length > 0) {
    throw new ConfigError(`--config ${file}: unknown option${unknown.length === 1 ? '' : 's'} ${unknown.map((key) => `"${key}"`).join(', ')} (createServer takes ${[...known].filter((key) => key !== 'storage' && key !== 'fanout').join(', ')})`);
  }
  return config as ServerConfig;
}
