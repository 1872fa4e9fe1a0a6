/**
 * The server-side render, built by Vite (`vite build --ssr`) and loaded by
 * example-app/server.ts. The server loads the page into an in-process model
 * (`loadPage`), renders it, and hands the model's bundle to the browser,
 * which resumes from it (main.tsx).
 */
import { StrictMode } from 'react';
import { renderToString } from 'react-dom/server';
import type { Model } from 'yracer';
import { SyncProvider } from 'yracer/react';
import { App } from './app.tsx';
import { filterFromSearch } from './use-url-filter.ts';

export { loadPage } from './load-page.ts';

/** Renders the page for `url` (the request's path and query string: `?filter=` picks the filter). */
export function render(model: Model, url = '/'): string {
  const search = new URL(url, 'http://localhost').search;
  return renderToString(
    <StrictMode>
      <SyncProvider model={model}>
        <App initialFilter={filterFromSearch(search)} />
      </SyncProvider>
    </StrictMode>,
  );
}
