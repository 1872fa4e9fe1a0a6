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
  'yracer/devtools': fromHere('../dist/devtools/index.js'),
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

/** The client's vendor chunks: React (react-dom is most of it), and Yjs with lib0 and y-protocols. */
const VENDOR_CHUNKS = [
  { name: 'react', test: /[\\/]node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
  { name: 'yjs', test: /[\\/]node_modules[\\/](yjs|lib0|y-protocols)[\\/]/ },
];

export default defineConfig(({ isSsrBuild }) => ({
  root: fromHere('.'),
  plugins: [yracerFromDist(), react()],
  build: {
    outDir: isSsrBuild ? 'dist/server' : 'dist/client',
    emptyOutDir: true,
    // The client in three chunks the browser loads in parallel and caches apart (React, Yjs with its
    // helpers, yracer with the app), each under Vite's 500 kB warning limit; one chunk would be ~530 kB.
    rolldownOptions: isSsrBuild ? {} : { output: { codeSplitting: { groups: VENDOR_CHUNKS } } },
  },
}));
