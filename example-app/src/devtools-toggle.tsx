/**
 * The example's devtools toggle: a "yracer devtools" button in the page's
 * flow, below the app, that opens yracer's devtools panel (off until
 * clicked; the panel's code loads then). Rendered in the browser only, after
 * mounting, so the server-rendered HTML and hydration stay the same.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { YracerDevtools } from 'yracer/devtools';

/** The devtools button (browser only; see the file's comment). */
export function DevtoolsToggle(): ReactNode {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  if (!mounted) return null;
  return (
    <div style={{ display: 'flex', justifyContent: 'center', margin: '16px 0' }}>
      <YracerDevtools toggleStyle={{ position: 'static' }} />
    </div>
  );
}
