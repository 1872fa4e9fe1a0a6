/**
 * The page's server-side render: load the todos into the request's
 * in-process model (`req.model`), render the app to HTML, and embed the
 * model's bundle so the browser resumes from exactly what the HTML shows.
 */
import type { Model } from 'yracer';
import type * as EntryServer from './src/entry-server.tsx';

/** What the server-side render module (src/entry-server.tsx) exports. */
export type EntryServerModule = typeof EntryServer;

/**
 * Fills index.html's `<!--app-html-->` and `<!--app-bundle-->` placeholders
 * from `model` (the middleware closes it), rendered for `url` (the request's
 * path and query string).
 */
export async function renderPage(model: Model, template: string, entry: EntryServerModule, url = '/'): Promise<string> {
  await entry.loadPage(model);
  const html = entry.render(model, url);
  // `<` escaped: the JSON can hold no `</script>` or `<!--`.
  const bundle = JSON.stringify(await model.bundle()).replace(/</g, '\\u003c');
  // Replacer functions: a `$` in a todo's title must not act as a replacement pattern.
  return template
    .replace('<!--app-html-->', () => html)
    .replace('<!--app-bundle-->', () => `<script>window.__YRACER_BUNDLE__ = ${bundle};</script>`);
}
