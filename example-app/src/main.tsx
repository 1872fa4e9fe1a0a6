/**
 * The browser entry: hydrates the server-rendered page. `SyncProvider`
 * creates the model from the bundle the server embedded (so the first render
 * matches the HTML) and connects it to the sync server on the same host.
 * Under /letters/<room> it renders the letters page instead (browser only).
 * Both pages end with a button that opens yracer's devtools.
 */
import { StrictMode } from 'react';
import { createRoot, hydrateRoot } from 'react-dom/client';
import { SyncProvider } from 'yracer/react';
import { App } from './app.tsx';
import { DevtoolsToggle } from './devtools-toggle.tsx';
import { schema } from './schema.ts';
import { filterFromSearch } from './use-url-filter.ts';
import { currentUser } from './user.ts';

const root = document.getElementById('root');
if (!root) throw new Error('todos example: #root is missing from index.html');

// The app shell works offline after the first visit (the server writes /sw.js for a build; dev has none).
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/sw.js').catch(() => undefined);
}

const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/sync`;
// The user id goes to the server as the token; the schema checks this tab's writes before they are sent.
const options = { token: currentUser(), schema };

if (location.pathname.startsWith('/letters/')) {
  // The letters page (src/letters/): no server-side render; its code and styles load only here.
  void import('./letters/letters-app.tsx').then(({ LettersApp }) =>
    createRoot(root).render(
      <StrictMode>
        <SyncProvider url={wsUrl} options={options}>
          <LettersApp pathname={location.pathname} />
          <DevtoolsToggle />
        </SyncProvider>
      </StrictMode>,
    ),
  );
} else {
  hydrateRoot(
    root,
    <StrictMode>
      <SyncProvider url={wsUrl} bundle={window.__YRACER_BUNDLE__} options={options}>
        <App initialFilter={filterFromSearch(location.search)} />
        <DevtoolsToggle />
      </SyncProvider>
    </StrictMode>,
  );
}
