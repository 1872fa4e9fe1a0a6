import { describe, expect, it } from 'vitest';
import { createModel, type Model, type ModelEvent } from '../../../src/index.ts';

const GREEN = { id: 'green', rgb: [0, 255, 0], hex: '#0f0' };
const RED = { id: 'red', rgb: [255, 0, 0], hex: '#f00' };

/** Racer's refList fixture: `_page.list` over `_page.colors` by `_page.ids` (red, green, red). */
function setup(options?: { deleteRemoved?: boolean }): Model {
  const model = createModel().at('_page');
  model.set('colors', { green: GREEN, red: RED });
  model.set('ids', ['red', 'green', 'red']);
  model.refList('list', 'colors', 'ids', options);
  return model;
}

function hear(model: Model, pattern: string): ModelEvent[] {
  const heard: ModelEvent[] = [];
  model.on('all', pattern, (event) => heard.push(event));
  return heard;
}

describe('refList', () => {
  it('reads an empty array when there are no ids', () => {
    const model = createModel().at('_page');
    model.refList('empty', 'colors', 'noIds');
    expect(model.get('empty')).toEqual([]);
  });

  it('reads the items of the ids, in order, and the same array while nothing changes', () => {
    const model = setup();
    expect(model.get('list')).toEqual([RED, GREEN, RED]);
    expect(model.get('list')).toBe(model.get('list'));
    expect(model.get('list.length')).toBe(3);
    expect(model.get('list.1.hex')).toBe('#0f0');
    expect(model.dereference('list.2.rgb.0')).toBe('_page.colors.red.rgb.0');
  });

  it('reads a missing item as undefined', () => {
    const model = setup();
    model.push('ids', 'blue');
    expect(model.get('list')).toEqual([RED, GREEN, RED, undefined]);
    expect(model.get('list.3.hex')).toBeUndefined();
  });

  it('follows every kind of change of the ids, with the events at the list path', () => {
    const model = setup();
    const heard = hear(model, 'list');
    model.set('ids', ['green']);
    model.push('ids', 'red');
    model.move('ids', 1, 0);
    model.remove('ids', 0);
    model.set('ids.0', 'red');
    expect(model.get('list')).toEqual([RED]);
    expect(heard.map((e) => e.type)).toEqual(['change', 'insert', 'move', 'remove']);
    expect(heard[0]).toMatchObject({ path: '_page.list', value: [GREEN], previous: [RED, GREEN, RED] });
    expect(heard[1]).toMatchObject({ index: 1, values: [RED] });
    expect(heard[3]).toMatchObject({ index: 0, removed: [RED] });
    const item = hear(model, 'list.*');
    model.set('ids.0', 'green');
    expect(item).toEqual([expect.objectContaining({ type: 'change', path: '_page.list.0', value: GREEN, previous: RED })]);
  });

  it('emits a change of an item at every index it stands at, below the list path', () => {
    const model = setup();
    const heard = hear(model, 'list.**');
    model.set('colors.red.hex', '#e00');
    expect(heard.map((e) => e.path)).toEqual(['_page.list.0.hex', '_page.list.2.hex']);
    expect(model.get('list.2.hex')).toBe('#e00');
  });

  it('writes through items to their documents', () => {
    const model = setup();
    model.set('list.1.hex', '#0e0');
    model.push('list.0.rgb', 1);
    expect(model.get('colors.green.hex')).toBe('#0e0');
    expect(model.get('colors.red.rgb')).toEqual([255, 0, 0, 1]);
  });

  it('set of an item with another id puts that item at the index (as Racer), one with the same id writes the item', () => {
    const model = setup({ deleteRemoved: true });
    const blue = { id: 'blue', hex: '#00f' };
    expect(model.set('list.1', blue)).toEqual(GREEN);
    expect(model.get('ids')).toEqual(['red', 'blue', 'red']);
    expect(model.get('colors')).toEqual({ red: RED, blue }); // green left the list: deleteRemoved
    model.set('list.1', { id: 'blue', hex: '#00e' });
    expect(model.get('colors.blue')).toEqual({ id: 'blue', hex: '#00e' });
    model.set('list.0', { hex: '#e00' }); // no id: written at the item
    expect(model.get('colors.red')).toEqual({ hex: '#e00' });
    expect(model.get('ids')).toEqual(['red', 'blue', 'red']);
  });

  it('set of the list sets the ids and the items that differ; del empties the ids', () => {
    const model = setup();
    const blue = { id: 'blue', hex: '#00f' };
    expect(model.set('list', [GREEN, RED, blue])).toEqual([RED, GREEN, RED]);
    expect(model.get('ids')).toEqual(['green', 'red', 'blue']);
    expect(model.get('colors.blue')).toEqual(blue);
    model.del('list');
    expect(model.get('ids')).toBeUndefined();
    expect(model.get('list')).toEqual([]);
    expect(model.get('colors.green')).toEqual(GREEN);
  });

  it('creates an item on insert, with a new id when it has none', () => {
    const model = setup();
    model.insert('list', 0, { id: 'yellow' });
    expect(model.get('colors.yellow')).toEqual({ id: 'yellow' });
    model.insert('list', 0, { rgb: [1, 1, 1] });
    const id = model.get<{ id: string }>('list.0')?.id ?? '';
    expect(model.get(`colors.${id}`)).toEqual({ id, rgb: [1, 1, 1] });
    expect(model.push('list', { id: 'z' })).toBe(6);
    expect(model.unshift('list', { id: 'y' })).toBe(7);
    expect(model.get('ids')).toEqual(['y', id, 'yellow', 'red', 'green', 'red', 'z']);
  });

  it('removes, pops, shifts and moves ids and returns the items', () => {
    const model = setup();
    const heard = hear(model, 'list');
    expect(model.move('list', 0, 1)).toEqual([RED]);
    expect(model.get('ids')).toEqual(['green', 'red', 'red']);
    expect(model.remove('list', 1)).toEqual([RED]);
    expect(model.pop('list')).toEqual(RED);
    expect(model.shift('list')).toEqual(GREEN);
    expect(model.pop('list')).toBeUndefined();
    expect(heard.map((e) => e.type)).toEqual(['move', 'remove', 'remove', 'remove']);
    expect(model.get('colors')).toEqual({ green: GREEN, red: RED });
  });

  it('with deleteRemoved, deletes the items of ids no longer in the list', () => {
    const model = setup({ deleteRemoved: true });
    model.remove('list', 0);
    expect(model.get('colors')).toEqual({ green: GREEN, red: RED }); // red is still at index 1
    model.remove('list', 1);
    expect(model.get('colors')).toEqual({ green: GREEN });
  });

  it('with deleteRemoved, set of the list deletes the items it leaves out', () => {
    const model = setup({ deleteRemoved: true });
    model.set('list', [GREEN]);
    expect(model.get('ids')).toEqual(['green']);
    expect(model.get('colors')).toEqual({ green: GREEN });
  });

  it('refuses to write a non-object item, naming the list and writing nothing', () => {
    const model = setup();
    expect(() => model.push('list', 'blue')).toThrow(/yracer push\('_page\.list'\): item 0 must be an object/);
    expect(() => model.set('list', [GREEN, 3])).toThrow(/item 1 must be an object/);
    expect(() => model.set('list', 'x')).toThrow(TypeError);
    expect(() => model.set('list.7.hex', 'x')).toThrow(/no id at index 7/);
    expect(() => model.increment('list', 1)).toThrow(/is a ref list/);
    expect(model.get('ids')).toEqual(['red', 'green', 'red']);
  });

  it('works over a synced collection, and its documents arriving later', () => {
    const model = createModel();
    model.set('_page.ids', ['a', 'b']);
    model.refList('_page.todos', 'todos', '_page.ids');
    const heard = hear(model, '_page.todos.**');
    expect(model.get('_page.todos')).toEqual([undefined, undefined]);
    model.set('todos.b', { title: 'B' });
    expect(model.get('_page.todos')).toEqual([undefined, { title: 'B' }]);
    expect(heard[0]).toMatchObject({ type: 'change', path: '_page.todos.1' });
    model.set('_page.todos.1.title', 'BB');
    expect(model.get('todos.b.title')).toBe('BB');
    model.push('_page.todos', { id: 'c', title: 'C' });
    expect(model.get('todos.c')).toEqual({ id: 'c', title: 'C' });
  });

  it('follows its ids through a ref, and refs into the list (refs to refs)', () => {
    const model = setup();
    model.ref('first', 'list.0');
    expect(model.get('first.hex')).toBe('#f00');
    model.set('first.hex', '#e00');
    expect(model.get('colors.red.hex')).toBe('#e00');
    model.refList('array', 'colors', 'arrayIds');
    model.ref('arrayAlias', 'array');
    const inserted: ModelEvent[] = [];
    model.on('insert', 'arrayAlias', (event) => {
      expect(model.get('array.0.names.0')).toBeUndefined();
      inserted.push(event);
    });
    model.insert('arrayAlias', 0, { rgb: [1, 1, 1] });
    expect(model.get('arrayIds')).toHaveLength(1);
    expect(inserted).toHaveLength(1);
  });

  it('removes data from a ref list over the ids of another ref list item', () => {
    const model = createModel().at('_page');
    const tagId = model.add('tags', { text: 'hi' });
    const id = model.add('profiles', { tagIds: [tagId] });
    model.push('profileIds', id);
    model.refList('profilesList', 'profiles', 'profileIds');
    model.ref('profile', 'profilesList.0');
    model.refList('tagsList', 'tags', 'profile.tagIds');
    expect(model.get('tagsList')).toEqual([{ text: 'hi', id: tagId }]);
    model.remove('tagsList', 0);
    expect(model.get(`profiles.${id}.tagIds`)).toEqual([]);
  });

  it('is removed by removeRef, leaving its ids and items', () => {
    const model = setup();
    const heard = hear(model, 'list');
    expect(model.removeRef('list')).toBe(true);
    expect(model.get('list')).toBeUndefined();
    expect(model.get('ids')).toEqual(['red', 'green', 'red']);
    expect(heard).toEqual([expect.objectContaining({ type: 'change', value: undefined })]);
  });

  it('throws for a list path that is not under a document, naming it', () => {
    const model = createModel();
    expect(() => model.refList('_page', 'colors', '_page.ids')).toThrow(/refList\('_page'\)/);
    expect(() => model.refList('_page.list', 'colors', 'ids')).toThrow(/ids path/);
    expect(() => model.refList('_page.list', 'colors', {} as never)).toThrow(/yracer refList\(\): a target must be a path or a scoped model, got object/);
    expect(() => model.ref('_page.x', null as never)).toThrow(/yracer ref\(\): a target must be a path/);
    expect(model.get('_page.list')).toBeUndefined();
  });
});
