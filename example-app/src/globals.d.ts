import type { Model, ModelBundle } from 'yracer';

declare global {
  interface Window {
    /** What the server-side render loaded; set by an inline script in the page. */
    __YRACER_BUNDLE__?: ModelBundle;
    /** The page's model, under automation only (see use-exposed-model.ts). */
    __YRACER_MODEL__?: Model;
  }
}
