/**
 * The browser entry: hydrates the server-rendered page. `SyncProvider`
 * creates the model from the bundle the server embedded (so the first render
 * matches the HTML) and connects it to the sync server on the same host.
 */
import { StrictMode } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { SyncProvider } from 'yracer/react';
import { App } from './app.tsx';

const root = document.getElementById('root');
if (!root) throw new Error('todos example: #root is missing from index.html');

const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/sync`;

hydrateRoot(
  root,
  <StrictMode>
    <SyncProvider url={wsUrl} bundle={window.__YRACER_BUNDLE__}>
      <App />
    </SyncProvider>
  </StrictMode>,
);
