import type { ModelBundle } from 'yracer';

declare global {
  interface Window {
    /** What the server-side render loaded; set by an inline script in the page. */
    __YRACER_BUNDLE__?: ModelBundle;
  }
}
