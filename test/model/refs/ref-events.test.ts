import { describe, expect, it } from 'vitest';
import { createModel, type Model } from '../../../src/index.ts';

/** Records `type path value` of every event at or below `_page`. */
function hearPage(model: Model): string[] {
  const heard: string[] = [];
  model.on('all', '_page.**', (event) => heard.push(`${event.type} ${event.path} ${JSON.stringify('value' in event ? event.value : null)}`));
  return heard;
}

/** A model with `todos.a` and `count` refs (and a ref list every tenth) to other paths. */
function crowded(count: number): Model {
  const model = createModel();
  model.set('todos.a', { title: 'Milk', tags: ['x', 'y', 'z'] });
  model.set('_page.none', []);
  for (let i = 0; i < count; i++) {
    if (i % 10 === 9) model.refList(`_page.noise.l${i}`, `others${i}`, '_page.none');
    else model.ref(`_page.noise.r${i}`, `todos.o${i}`);
  }
  return model;
}

describe('refEvents', () => {
  it('re-emits an event only at the refs it concerns, in the order they were made, among many others', () => {
    const model = crowded(200);
    model.ref('_page.title', 'todos.a.title');
    model.ref('_page.all', 'todos');
    model.ref('_page.todo', 'todos.a');
    model.ref('_page.title', 'todos.a.title'); // made again: now after the others
    const heard = hearPage(model);
    model.set('todos.a.title', 'Eggs');
    expect(heard).toEqual(['change _page.all.a.title "Eggs"', 'change _page.todo.title "Eggs"', 'change _page.title "Eggs"']);
  });

  it('stops at removed refs and refs removed by removeAllRefs, and re-emits at refs made again', () => {
    const model = crowded(50);
    model.ref('_page.keep', 'todos.a.title');
    model.ref('_page.gone', 'todos.a');
    model.ref('_page.sub.one', 'todos.a');
    model.ref('_page.sub.two', 'todos.a.title');
    model.removeRef('_page.gone');
    model.removeAllRefs('_page.sub');
    const heard = hearPage(model);
    model.set('todos.a.title', 'Eggs');
    expect(heard).toEqual(['change _page.keep "Eggs"']);
    model.removeAllRefs('');
    model.ref('_page.sub.one', 'todos.a');
    heard.length = 0;
    model.set('todos.a.title', 'Ham');
    expect(heard).toEqual(['change _page.sub.one.title "Ham"']);
  });

  it('follows refs to refs', () => {
    const model = crowded(50);
    model.ref('_page.outer', '_page.inner.title');
    model.ref('_page.inner', 'todos.a');
    const heard = hearPage(model);
    model.set('todos.a.title', 'Eggs');
    expect(heard).toEqual(['change _page.inner.title "Eggs"', 'change _page.outer "Eggs"']);
  });

  it('re-emits a change of a ref list’s ids and of its items at the list path', () => {
    const model = crowded(50);
    model.set('todos.b', { title: 'Bread' });
    model.set('_page.ids', ['a']);
    model.refList('_page.list', 'todos', '_page.ids');
    const atList: string[] = [];
    model.on('all', '_page.list.**', (event) => atList.push(`${event.type} ${event.path}`));
    model.push('_page.ids', 'b');
    model.set('todos.b.title', 'Rye');
    model.set('todos.c.title', 'Oats'); // not in the list
    expect(atList).toEqual(['insert _page.list', 'change _page.list.1.title']);
    expect(model.get('_page.list.1.title')).toBe('Rye');
  });

  it('re-emits at an updateIndices ref at its new index after it moved, and not at its old one', () => {
    const model = crowded(50);
    model.ref('_page.tag', 'todos.a.tags.1', { updateIndices: true });
    model.unshift('todos.a.tags', 'w');
    expect(model.dereference('_page.tag')).toBe('todos.a.tags.2');
    const heard = hearPage(model);
    model.set('todos.a.tags.2', 'Y');
    model.set('todos.a.tags.1', 'X');
    expect(heard).toEqual(['change _page.tag "Y"']);
  });
});
