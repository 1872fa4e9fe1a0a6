/**
 * Port of Racer's test/Model/refList.js (derbyjs/racer 2.3.1). Racer's
 * `'all'` listeners get `(capture, method, ...args)`; here `captures[0]`,
 * `event.type` and the event's fields (docs/racer.md: listeners get
 * `(event, captures)`), and `expectEvents` compares everything heard.
 */
import { describe, expect, it } from 'vitest';
import { createModel, type Model, type ModelEvent, type RefListOptions } from '../../../src/index.ts';
import { listen } from './racer-listen.ts';

const green = { id: 'green', rgb: [0, 255, 0], hex: '#0f0' };
const red = { id: 'red', rgb: [255, 0, 0], hex: '#f00' };
const blue = { id: 'blue', rgb: [0, 0, 255], hex: '#00f' };
const yellow = { id: 'yellow', rgb: [255, 255, 0], hex: '#ff0' };

function setup(options?: RefListOptions): Model {
  const model = createModel().at('_page');
  model.set('colors', { green, red });
  model.set('ids', ['red', 'green', 'red']);
  if (options) model.refList('list', 'colors', 'ids', options);
  else model.refList('list', 'colors', 'ids');
  return model;
}

/** Racer's positional listener arguments after the capture: `[method, ...args]`. */
function racerArgs(event: ModelEvent): unknown[] {
  switch (event.type) {
    case 'change': return [event.type, event.value, event.previous];
    case 'insert': return [event.type, event.index, event.values];
    case 'remove': return [event.type, event.index, event.removed];
    case 'move': return [event.type, event.from, event.to, event.howMany];
    default: return [event.type];
  }
}


/** What `listen` heard, as Racer's positional arguments. */
function positional(model: Model, pattern: string): () => unknown[][] {
  const heard = listen(model, 'all', pattern);
  return () => heard.map(({ event, captures }) => [captures[0], ...racerArgs(event)]);
}

describe('refList', () => {
  describe('sets output on initial call', () => {
    it('sets the initial value to empty array if no inputs', () => {
      const model = createModel().at('_page');
      model.refList('empty', 'colors', 'noIds');
      expect(model.get('empty')).toEqual([]);
    });
    it('sets the initial value for already populated data', () => {
      const model = setup();
      expect(model.get('list')).toEqual([red, green, red]);
    });
  });
  describe('updates on `ids` mutations', () => {
    it('updates the value when `ids` is set', () => {
      const model = createModel().at('_page');
      model.set('colors', { green, red });
      model.refList('list', 'colors', 'ids');
      expect(model.get('list')).toEqual([]);
      model.set('ids', ['red', 'green', 'red']);
      expect(model.get('list')).toEqual([red, green, red]);
    });
    it('emits on `from` when `ids` is set', () => {
      const model = createModel().at('_page');
      model.set('colors', { green, red });
      model.refList('list', 'colors', 'ids');
      const heard = positional(model, 'list**');
      model.set('ids', ['red', 'green', 'red']);
      expect(heard()).toEqual([['', 'insert', 0, [red, green, red]]]);
    });
    it('updates the value when `ids` children are set', () => {
      const model = setup();
      model.set('ids.0', 'green');
      expect(model.get('list')).toEqual([green, green, red]);
      model.set('ids.2', 'blue');
      expect(model.get('list')).toEqual([green, green, undefined]);
    });
    it('emits on `from` when `ids` children are set', () => {
      const model = setup();
      const heard = positional(model, 'list**');
      model.set('ids.2', 'green');
      expect(heard()).toEqual([['2', 'change', green, red]]);
    });
    it('updates the value when `ids` are inserted', () => {
      const model = setup();
      model.push('ids', 'green');
      expect(model.get('list')).toEqual([red, green, red, green]);
      model.insert('ids', 1, 'blue', 'red'); // Racer: insert('ids', 1, ['blue', 'red'])
      expect(model.get('list')).toEqual([red, undefined, red, green, red, green]);
    });
    it('emits on `from` when `ids` are inserted', () => {
      const model = setup();
      const heard = positional(model, 'list**');
      model.insert('ids', 1, 'blue', 'red');
      expect(heard()).toEqual([['', 'insert', 1, [undefined, red]]]);
    });
    it('updates the value when `ids` are removed', () => {
      const model = setup();
      model.pop('ids');
      expect(model.get('list')).toEqual([red, green]);
      model.remove('ids', 0, 2);
      expect(model.get('list')).toEqual([]);
    });
    it('emits on `from` when `ids` are removed', () => {
      const model = setup();
      const heard = positional(model, 'list**');
      model.remove('ids', 0, 2);
      expect(heard()).toEqual([['', 'remove', 0, [red, green]]]);
    });
    // yracer: move('ids', 0, 2, 2) on 3 ids throws RangeError (model.md: an index past the end is refused); Racer splices, so the moved items end up last
    it.skip('updates the value when `ids` are moved', () => {
      const model = setup();
      model.move('ids', 0, 2, 2);
      expect(model.get('list')).toEqual([red, red, green]);
      model.move('ids', 2, 0);
      expect(model.get('list')).toEqual([green, red, red]);
    });
    // yracer: move('ids', 0, 2, 2) on 3 ids throws RangeError (model.md: an index past the end is refused); Racer splices, so the moved items end up last
    it.skip('emits on `from` when `ids` are moved', () => {
      const model = setup();
      const heard = positional(model, 'list**');
      model.move('ids', 0, 2, 2);
      expect(heard()).toEqual([['', 'move', 0, 2, 2]]);
    });
  });
  describe('emits events involving multiple refLists', () => {
    it('removes data from a refList pointing to data in another refList', () => {
      const model = createModel().at('_page');
      const tagId = model.add('tags', { text: 'hi' });
      const id = model.add('profiles', { tagIds: [tagId] });
      model.push('profileIds', id);
      model.refList('profilesList', 'profiles', 'profileIds');
      model.ref('profile', 'profilesList.0');
      model.refList('tagsList', 'tags', 'profile.tagIds');
      model.remove('tagsList', 0);
    });
  });
  describe('updates on `to` mutations', () => {
    it('updates the value when `to` is set', () => {
      const model = createModel().at('_page');
      model.set('ids', ['red', 'green', 'red']);
      model.refList('list', 'colors', 'ids');
      expect(model.get('list')).toEqual([undefined, undefined, undefined]);
      model.set('colors', { green, red });
      expect(model.get('list')).toEqual([red, green, red]);
    });
    // yracer: setting the whole `to` collection emits one `change` of the list (model.md: "a replaced ids array (or anything above it) as one `change` of the list"), Racer a remove and an insert
    it.skip('emits on `from` when `to` is set', () => {
      const model = createModel().at('_page');
      model.set('ids', ['red', 'green', 'red']);
      model.refList('list', 'colors', 'ids');
      const heard = positional(model, 'list**');
      model.set('colors', { green, red });
      expect(heard()).toEqual([
        ['', 'remove', 0, [undefined, undefined, undefined]],
        ['', 'insert', 0, [red, green, red]],
      ]);
    });
    it('updates the value when `to` children are set', () => {
      const model = createModel().at('_page');
      model.set('ids', ['red', 'green', 'red']);
      model.refList('list', 'colors', 'ids');
      model.set('colors.green', green);
      expect(model.get('list')).toEqual([undefined, green, undefined]);
      model.set('colors.red', red);
      expect(model.get('list')).toEqual([red, green, red]);
      model.del('colors.green');
      expect(model.get('list')).toEqual([red, undefined, red]);
    });
    // yracer: the write that creates _page.colors is also reported at _page.colors (as every created object is), which the list re-emits as a `change` of itself before the changes at list.0 and list.2
    it.skip('emits on `from` when `to` children are set', () => {
      const model = createModel().at('_page');
      model.set('ids', ['red', 'green', 'red']);
      model.refList('list', 'colors', 'ids');
      const heard = positional(model, 'list**');
      model.set('colors.red', red);
      expect(heard()).toEqual([
        ['0', 'change', red, undefined],
        ['2', 'change', red, undefined],
      ]);
    });
    it('updates the value when `to` descendants are set', () => {
      const model = setup();
      model.set('colors.red.hex', '#e00');
      const red2 = { ...red, hex: '#e00' };
      expect(model.get('list')).toEqual([red2, green, red2]);
      model.set('colors.red.rgb.0', 238);
      const red3 = { ...red2, rgb: [238, 0, 0] };
      expect(model.get('list')).toEqual([red3, green, red3]);
    });
    it('emits on `from` when `to` descendants are set', () => {
      const model = setup();
      const heard = positional(model, 'list**');
      model.set('colors.red.hex', '#e00');
      model.set('colors.red.rgb.0', 238);
      expect(heard()).toEqual([
        ['0.hex', 'change', '#e00', '#f00'],
        ['2.hex', 'change', '#e00', '#f00'],
        ['0.rgb.0', 'change', 238, 255],
        ['2.rgb.0', 'change', 238, 255],
      ]);
    });
    it('updates the value when inserting on `to` children', () => {
      const model = createModel().at('_page');
      model.set('nums', { even: [2, 4, 6], odd: [1, 3] });
      model.set('ids', ['even', 'odd', 'even']);
      model.refList('list', 'nums', 'ids');
      expect(model.get('list')).toEqual([[2, 4, 6], [1, 3], [2, 4, 6]]);
      model.push('nums.even', 8);
      expect(model.get('list')).toEqual([[2, 4, 6, 8], [1, 3], [2, 4, 6, 8]]);
    });
    it('emits on `from` when inserting on `to` children', () => {
      const model = createModel().at('_page');
      model.set('nums', { even: [2, 4, 6], odd: [1, 3] });
      model.set('ids', ['even', 'odd', 'even']);
      model.refList('list', 'nums', 'ids');
      const heard = positional(model, 'list**');
      model.push('nums.even', 8);
      expect(heard()).toEqual([
        ['0', 'insert', 3, [8]],
        ['2', 'insert', 3, [8]],
      ]);
    });
  });
  describe('updates on `from` mutations', () => {
    // yracer: del of a ref list's path deletes the ids (model.md: "`del` deletes the ids"): get('ids') is undefined, Racer's is []
    it.skip('updates `to` and `ids` when `from` is set', () => {
      const model = setup();
      model.set('list', [green, red]);
      expect(model.get('ids')).toEqual(['green', 'red']);
      expect(model.get('colors')).toEqual({ green, red });
      model.del('list');
      expect(model.get('ids')).toEqual([]);
      expect(model.get('colors')).toEqual({ green, red });
      model.set('list', [blue, yellow, red]);
      expect(model.get('ids')).toEqual(['blue', 'yellow', 'red']);
      expect(model.get('colors')).toEqual({ green, red, blue, yellow });
      model.at('list.0').remove();
      expect(model.get('ids')).toEqual(['yellow', 'red']);
      expect(model.get('colors')).toEqual({ green, red, blue, yellow });
    });
    it('emits on `to` when `from` is set', () => {
      const model = setup();
      const heard = positional(model, 'colors**');
      model.set('list', [blue, model.get('colors.red'), yellow]);
      expect(heard()).toEqual([
        ['blue', 'change', blue, undefined],
        ['yellow', 'change', yellow, undefined],
      ]);
    });
    // yracer: set of a ref list's path turns the ids over with inserts and removes (model.md: "with the fewest inserts, removes and moves"), Racer with one `change` of the ids
    it.skip('emits on `ids` when `from is set', () => {
      const model = setup();
      const heard = positional(model, 'ids**');
      model.set('list', [blue, red, yellow]);
      expect(heard()).toEqual([['', 'change', ['blue', 'red', 'yellow'], ['red', 'green', 'red']]]);
    });
    it('emits nothing on `to` when `from` is set, removing items', () => {
      const model = setup();
      const heard = positional(model, 'colors**');
      model.set('list', []);
      expect(heard()).toEqual([]);
    });
    it('creates a document in `to` on an insert', () => {
      const model = setup();
      model.insert('list', 0, { id: 'yellow' });
      expect(model.get('colors.yellow')).toEqual({ id: 'yellow' });
    });
    it('creates a document in `to` on an insert of a doc with no id', () => {
      const model = setup();
      model.insert('list', 0, { rgb: [1, 1, 1] });
      const newId = model.get<{ id: string }>('list.0')?.id;
      expect(model.get(`colors.${newId}`)).toEqual({ id: newId, rgb: [1, 1, 1] });
    });
  });
  describe('event ordering', () => {
    it('should be able to resolve a non-existent nested property as undefined, inside an event listener on refA (where refA -> refList)', () => {
      const model = setup();
      model.refList('array', 'colors', 'arrayIds');
      model.ref('arrayAlias', 'array');
      let heard = 0;
      model.on('insert', 'arrayAlias', () => {
        expect(model.get('array.0.names.0')).toEqual(undefined);
        heard++;
      });
      model.insert('arrayAlias', 0, { rgb: [1, 1, 1] });
      expect(model.get('arrayIds')).toHaveLength(1);
      expect(heard).toBeGreaterThan(0);
    });
    // Racer skips 'correctly dereferences chained lists/refs when items are removed' itself ("This is a bug"): not ported.
  });
  describe('deleteRemoved', () => {
    // docs/racer.md: "With `deleteRemoved`, a ref list deletes an item only once its id is nowhere in the list (a moved id is not a removal)."
    it.skip('deletes the underlying object when an item is removed', () => {
      const model = setup({ deleteRemoved: true });
      expect(model.get('colors')).toEqual({ green, red });
      model.remove('list', 0);
      expect(model.get('colors')).toEqual({ green });
    });
  });
});
