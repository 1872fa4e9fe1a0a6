/**
 * Under automation (`navigator.webdriver`: the browser tests drive the page
 * through Chromium's DevTools protocol), the page's model is
 * `window.__YRACER_MODEL__`, so a test can wait on it (for example on
 * `whenStoredOffline()` before a reload) instead of racing the page.
 */
import { useEffect } from 'react';
import type { Model } from 'yracer';

export function useExposedModel(model: Model): void {
  useEffect(() => {
    if (!navigator.webdriver) return;
    window.__YRACER_MODEL__ = model;
    return () => {
      if (window.__YRACER_MODEL__ === model) delete window.__YRACER_MODEL__;
    };
  }, [model]);
}
