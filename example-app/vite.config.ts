/**
 * Vite for the todos example: `npm start` builds the client (dist/client) and
 * the server-side render (dist/server); `npm run dev` serves both from
 * source with HMR. `yracer` and `yracer/react` are the built package in
 * ../dist (run `npm run build` after changing src/): the browser bundle
 * includes it, while the server-side render imports it from Node, so the
 * render and the sync server (example-app/server.ts) share one copy of the
 * model classes.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const fromHere = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

const LIBRARY: Readonly<Record<string, string>> = {
  yracer: fromHere('../dist/index.js'),
  'yracer/react': fromHere('../dist/react/index.js'),
};

function yracerFromDist(): Plugin {
  return {
    name: 'yracer-from-dist',
    enforce: 'pre',
    resolveId(id, _importer, options) {
      const file = LIBRARY[id];
      if (file === undefined) return null;
      // Server side: leave it to Node (one module instance with yracer/server).
      return options.ssr ? { id: file, external: true } : file;
    },
  };
}

export default defineConfig(({ isSsrBuild }) => ({
  root: fromHere('.'),
  plugins: [yracerFromDist(), react()],
  build: {
    outDir: isSsrBuild ? 'dist/server' : 'dist/client',
    emptyOutDir: true,
  },
}));
