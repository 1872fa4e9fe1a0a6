/**
 * Where the page comes from: the Vite build (`npm start`: the client's
 * index.html and files, the server-side render module), or the sources
 * through Vite's dev server (`npm run dev`: transformed on request, HMR over
 * the same HTTP server).
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ViteDevServer } from 'vite';
import type { EntryServerModule } from './render-page.ts';
import { serveStatic } from './serve-static.ts';
import { buildFiles, serviceWorkerSource } from './service-worker.ts';

const APP_DIR = fileURLToPath(new URL('.', import.meta.url));

/** How the page is put together: from the build, or from source through Vite. */
export interface PageSource {
  load(url: string): Promise<{ template: string; entry: EntryServerModule }>;
  /** Serves anything but the page; resolves false when there is nothing to serve. */
  serve(request: IncomingMessage, response: ServerResponse): Promise<boolean>;
  fixError(error: unknown): void;
  /** The service worker's source (`/sw.js`), or null when there is none (dev: Vite serves from source). */
  serviceWorker(): Promise<string | null>;
  close(): Promise<void>;
}

export async function builtSource(distDir = join(APP_DIR, 'dist')): Promise<PageSource> {
  const clientDir = resolve(distDir, 'client');
  const template = await readFile(join(clientDir, 'index.html'), 'utf8').catch(() => {
    throw new Error(`todos example: ${clientDir}/index.html is missing; run \`npm start\` (it builds the example) first`);
  });
  const entry = (await import(pathToFileURL(resolve(distDir, 'server', 'entry-server.js')).href)) as EntryServerModule;
  const worker = serviceWorkerSource(await buildFiles(clientDir));
  return {
    serviceWorker: async () => worker,
    load: async () => ({ template, entry }),
    serve: (request, response) => serveStatic(clientDir, request, response),
    fixError: () => undefined,
    close: async () => undefined,
  };
}

export async function devSource(http: HttpServer): Promise<PageSource> {
  const { createServer: createViteServer } = await import('vite');
  const vite: ViteDevServer = await createViteServer({
    configFile: join(APP_DIR, 'vite.config.ts'),
    root: APP_DIR,
    appType: 'custom',
    server: { middlewareMode: true, hmr: { server: http } },
  });
  return {
    async load(url) {
      const raw = await readFile(join(APP_DIR, 'index.html'), 'utf8');
      const template = await vite.transformIndexHtml(url, raw);
      const entry = (await vite.ssrLoadModule('/src/entry-server.tsx')) as EntryServerModule;
      return { template, entry };
    },
    serve: (request, response) =>
      new Promise((done) => {
        vite.middlewares(request, response, () => done(false));
        response.once('finish', () => done(true));
      }),
    fixError: (error) => {
      if (error instanceof Error) vite.ssrFixStacktrace(error);
    },
    serviceWorker: async () => null,
    close: () => vite.close(),
  };
}
