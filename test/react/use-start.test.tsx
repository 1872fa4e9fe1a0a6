// @vitest-environment jsdom
import { act } from '@testing-library/react';
import type { ReactNode } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { createModel } from '../../src/index.ts';
import { SyncProvider, useStart } from '../../src/react/index.ts';
import { reactScope, RenderCounts, renderWith } from '../helpers/react-fixtures.tsx';

const opened = reactScope();

const sum = (a: number, b: number): number => a + b;

function Total({ counts }: { counts?: RenderCounts }): ReactNode {
  counts?.hit('total');
  const total = useStart<number>('_page.total', ['_page.x.a', '_page.x.b'], sum);
  return <p>{String(total)}</p>;
}

describe('useStart', () => {
  it('starts the function while mounted and shows its output, and stops it on unmount', () => {
    const model = opened.model(createModel());
    model.set('_page.x', { a: 1, b: 2 });
    const view = renderWith(model, <Total />);
    expect(view.container.textContent).toBe('3');
    expect(model.get('_page.total')).toBe(3);
    act(() => void model.set('_page.x.a', 5));
    expect(view.container.textContent).toBe('7');
    view.unmount();
    model.set('_page.x.a', 10);
    expect(model.get('_page.total')).toBe(7);
  });

  it('re-renders only when the output changes', () => {
    const model = opened.model(createModel());
    model.set('_page.x', { a: 1, b: 2 });
    const counts = new RenderCounts();
    renderWith(model, <Total counts={counts} />);
    counts.reset();
    act(() => {
      model.set('_page.x', { a: 2, b: 1 });
    });
    expect(counts.of('total')).toBe(0);
    act(() => void model.set('_page.x.b', 5));
    expect(counts.of('total')).toBe(1);
  });

  it('works under StrictMode (mount, unmount, mount again)', () => {
    const model = opened.model(createModel());
    model.set('_page.x', { a: 1, b: 2 });
    const view = renderWith(model, <Total />, true);
    act(() => void model.set('_page.x.b', 4));
    expect(view.container.textContent).toBe('5');
    view.unmount();
    model.set('_page.x.a', 10);
    expect(model.get('_page.total')).toBe(5);
  });

  it('shows the value in a server-side render, where effects do not run', () => {
    const model = createModel();
    model.set('_page.x', { a: 20, b: 22 });
    const html = renderToString(
      <SyncProvider model={model}>
        <Total />
      </SyncProvider>,
    );
    expect(html).toContain('42');
    expect(model.get('_page.total')).toBeUndefined();
    model.close();
  });

  it('throws an error naming an unknown function', () => {
    const model = opened.model(createModel());
    function Named(): ReactNode {
      return <p>{String(useStart('_page.out', ['_page.a'], 'nope'))}</p>;
    }
    const spy = console.error;
    console.error = () => undefined;
    try {
      expect(() => renderWith(model, <Named />)).toThrow(/no function named "nope"/);
    } finally {
      console.error = spy;
    }
  });
});
