// @vitest-environment jsdom
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { createModel } from '../../src/index.ts';
import { YracerDevtools } from '../../src/devtools/index.ts';
import { useValue } from '../../src/react/index.ts';
import { reactScope, renderWith } from '../helpers/react-fixtures.tsx';

const opened = reactScope();

function Title({ id }: { id: string }): ReactNode {
  const title = useValue<string>(`todos.${id}.title`);
  return <p data-testid={`title-${id}`}>{title ?? 'none'}</p>;
}

/** Opens the devtools (the panel loads lazily) and selects a document. */
async function openOn(path: string): Promise<void> {
  fireEvent.click(screen.getByTestId('yracer-devtools-toggle'));
  await screen.findByTestId('yracer-devtools');
  fireEvent.click(await screen.findByText(path));
}

describe('YracerDevtools', () => {
  it('shows only its button until opened, then lists the documents and shows one as JSON', async () => {
    const model = opened.model(createModel());
    model.set('todos.a', { title: 'one' });
    model.set('_page.filter', 'all');
    renderWith(model, <YracerDevtools />);
    expect(screen.queryByTestId('yracer-devtools')).toBeNull();
    await openOn('todos.a');
    expect(screen.getAllByTestId('yracer-devtools-document').map((row) => row.textContent)).toEqual(['_page.filter local', 'todos.a']);
    const editor = screen.getByLabelText('value as JSON') as HTMLTextAreaElement;
    expect(JSON.parse(editor.value)).toEqual({ title: 'one' });
    expect(screen.getByText(/bytes \(Yjs state\)/).textContent).toMatch(/^\d+ bytes/);
  });

  it('edits a value through the editor, and the page shows it', async () => {
    const model = opened.model(createModel());
    model.set('todos.a', { title: 'one' });
    renderWith(model, (
      <>
        <Title id="a" />
        <YracerDevtools />
      </>
    ));
    await openOn('todos.a');
    fireEvent.change(screen.getByLabelText('path'), { target: { value: 'todos.a.title' } });
    fireEvent.change(screen.getByLabelText('value as JSON'), { target: { value: '"edited"' } });
    act(() => fireEvent.click(screen.getByText('Set')));
    expect(model.get('todos.a.title')).toBe('edited');
    expect(screen.getByTestId('title-a').textContent).toBe('edited');
    expect(screen.getByRole('status').textContent).toBe('set todos.a.title');
  });

  it('refuses text that is not JSON, naming the problem, and changes nothing', async () => {
    const model = opened.model(createModel());
    model.set('todos.a', { title: 'one' });
    renderWith(model, <YracerDevtools />);
    await openOn('todos.a');
    fireEvent.change(screen.getByLabelText('value as JSON'), { target: { value: '{ title: ' } });
    fireEvent.click(screen.getByText('Set'));
    expect(screen.getByRole('status').textContent).toMatch(/^not JSON: /);
    expect(model.get('todos.a')).toEqual({ title: 'one' });
  });

  it('lists the hooks the last change re-rendered, with counts', async () => {
    const model = opened.model(createModel());
    model.set('todos.a', { title: 'one' });
    model.set('todos.b', { title: 'two' });
    renderWith(model, (
      <>
        <Title id="a" />
        <Title id="b" />
        <YracerDevtools initialOpen />
      </>
    ));
    await screen.findByTestId('yracer-devtools');
    fireEvent.click(screen.getByRole('tab', { name: 'Renders' }));
    act(() => void model.set('todos.a.title', 'changed'));
    await waitFor(() => expect(screen.getAllByTestId('yracer-devtools-render').map((row) => row.textContent)).toEqual(['1useValuetodos.a.title']));
  });

  it('shows the live queries with their result ids', async () => {
    const model = opened.model(createModel());
    model.set('todos.a', { title: 'one', done: false });
    const query = model.query('todos', { done: false });
    const stop = query.on('change', () => undefined);
    renderWith(model, <YracerDevtools initialOpen />);
    await screen.findByTestId('yracer-devtools');
    fireEvent.click(screen.getByRole('tab', { name: /^Queries/ }));
    expect(screen.getByTestId('yracer-devtools-query').textContent).toContain('{"done":false}');
    expect(screen.getByTestId('yracer-devtools-query').textContent).toContain('1: a');
    stop();
  });

  it('throws a clear error outside a SyncProvider without a model', () => {
    const spy = console.error;
    console.error = () => undefined;
    try {
      expect(() => render(<YracerDevtools />)).toThrow(/YracerDevtools: no model here/);
    } finally {
      console.error = spy;
    }
  });
});
