/**
 * Port of Racer's test/Model/ref.js (derbyjs/racer 2.3.1). Racer's positional
 * listener arguments `(captures..., value)` read `event.value` and `captures`
 * here (docs/racer.md: listeners get `(event, captures)`).
 */
import { describe, expect, it } from 'vitest';
import { createModel } from '../../../src/index.ts';
import { listen, once } from './racer-listen.ts';

describe('ref', () => {
  describe('event emission', () => {
    it('re-emits on a reffed path', () => {
      const model = createModel();
      model.ref('_page.color', '_page.colors.green');
      const heard = listen(model, 'change', '_page.color');
      model.set('_page.colors.green', '#0f0');
      expect(heard.map((h) => h.event.type === 'change' && h.event.value)).toEqual(['#0f0']);
    });
    it('also emits on the original path', () => {
      const model = createModel();
      model.ref('_page.color', '_page.colors.green');
      const heard = listen(model, 'change', '_page.colors.green');
      model.set('_page.colors.green', '#0f0');
      expect(heard.map((h) => h.event.type === 'change' && h.event.value)).toEqual(['#0f0']);
    });
    it('re-emits on a child of a reffed path', () => {
      const model = createModel();
      model.ref('_page.color', '_page.colors.green');
      const heard = listen(model, 'change', '_page.color.*');
      model.set('_page.colors.green.hex', '#0f0');
      expect(heard).toHaveLength(1);
      expect(heard[0]?.captures).toEqual(['hex']);
      expect(heard[0]?.event.type === 'change' && heard[0].event.value).toBe('#0f0');
    });
    it('re-emits when a parent is changed', () => {
      const model = createModel();
      model.ref('_page.color', '_page.colors.green');
      const heard = listen(model, 'change', '_page.color');
      model.set('_page.colors', { green: '#0e0' });
      expect(heard.map((h) => h.event.type === 'change' && h.event.value)).toEqual(['#0e0']);
    });
    it('re-emits on a ref to a ref', () => {
      const model = createModel();
      model.ref('_page.myFavorite', '_page.color');
      model.ref('_page.color', '_page.colors.green');
      const heard = listen(model, 'change', '_page.myFavorite');
      model.set('_page.colors.green', '#0f0');
      expect(heard.map((h) => h.event.type === 'change' && h.event.value)).toEqual(['#0f0']);
    });
    it('re-emits on multiple reffed paths', () => {
      const model = createModel();
      model.set('_page.colors.green', '#0f0');
      model.ref('_page.favorites.my', '_page.colors.green');
      model.ref('_page.favorites.your', '_page.colors.green');
      const heard = listen(model, 'all', '_page.favorites**');
      model.set('_page.colors.green', '#0f1');
      expect(heard.map((h) => [h.captures[0], h.event.type, h.event.type === 'change' && h.event.value])).toEqual([
        ['my', 'change', '#0f1'],
        ['your', 'change', '#0f1'],
      ]);
    });
  });
  describe('get', () => {
    it('gets from a reffed path', () => {
      const model = createModel();
      model.set('_page.colors.green', '#0f0');
      expect(model.get('_page.color')).toBe(undefined);
      model.ref('_page.color', '_page.colors.green');
      expect(model.get('_page.color')).toBe('#0f0');
    });
    it('gets from a child of a reffed path', () => {
      const model = createModel();
      model.set('_page.colors.green.hex', '#0f0');
      model.ref('_page.color', '_page.colors.green');
      expect(model.get('_page.color')).toEqual({ hex: '#0f0' });
      expect(model.get('_page.color.hex')).toBe('#0f0');
    });
    it('gets from a ref to a ref', () => {
      const model = createModel();
      model.ref('_page.myFavorite', '_page.color');
      model.ref('_page.color', '_page.colors.green');
      model.set('_page.colors.green', '#0f0');
      expect(model.get('_page.myFavorite')).toBe('#0f0');
    });
  });
  describe('event/add ordering', () => {
    it('ref results are propogated when set in reponse to an event', () => {
      const model = createModel();
      model.on('change', '_page.start', () => {
        model.ref('_page.myColor', '_page.color');
        model.ref('_page.yourColor', '_page.color');
        model.set('_page.yourColor', 'green');
      });
      model.set('_page.start', true);
      expect(model.get('_page.color')).toBe('green');
      expect(model.get('_page.myColor')).toBe('green');
    });
    it('can create refList in event callback', () => {
      const model = createModel();
      model.on('change', '_page.start', () => {
        model.set('_page.colors', { red: '#f00', green: '#0f0', blue: '#00f' });
        model.set('_page.ids', ['blue', 'green']);
        model.refList('_page.list', '_page.colors', '_page.ids');
      });
      model.set('_page.start', true);
      expect(model.get('_page.list')).toEqual(['#00f', '#0f0']);
    });
    // docs/racer.md: "`removeRef` leaves whatever was stored at the path before (Racer copies the target into the parent's data)"
    it.skip('removing ref on same toPath in event callback is ok', () => {
      const model = createModel();
      model.ref('_page.ref1', '_page.color');
      model.ref('_page.ref2', '_page.color');
      model.set('_page.color', 'red');
      once(model, 'change', '_page.ref1', () => {
        model.removeRef('_page.ref2');
      });
      model.set('_page.color', 'green');
      expect(model.get('_page.ref1')).toEqual('green');
      // ref2 was removed while processing ref, but it should still be updated
      // for this current change.
      expect(model.get('_page.ref2')).toEqual('green');
      // ref2 is now removed, so it should no longer be updated.
      model.set('_page.color', 'blue');
      expect(model.get('_page.ref1')).toEqual('blue');
      expect(model.get('_page.ref2')).toEqual('green');
    });
  });
  describe('updateIndices option', () => {
    const moves: Array<[number, number, number?]> = [[0, 1], [4, 5], [0, 5], [1, 3], [0, 3, 2], [2, 3, 2], [3, 2, 2]];
    it('updates a ref when an array insert happens at the `to` path', () => {
      const model = createModel();
      model.set('_page.colors', ['red', 'green', 'blue']);
      model.ref('_page.color', '_page.colors.1', { updateIndices: true });
      expect(model.get('_page.color')).toBe('green');
      model.unshift('_page.colors', 'yellow');
      expect(model.get('_page.color')).toBe('green');
      model.push('_page.colors', 'orange');
      expect(model.get('_page.color')).toBe('green');
      model.insert('_page.colors', 2, 'purple', 'cyan'); // Racer: insert(path, 2, ['purple', 'cyan'])
      expect(model.get('_page.color')).toBe('green');
    });
    it('updates a ref when an array remove happens at the `to` path', () => {
      const model = createModel();
      model.set('_page.colors', ['red', 'blue', 'purple', 'cyan', 'green', 'yellow']);
      model.ref('_page.color', '_page.colors.4', { updateIndices: true });
      expect(model.get('_page.color')).toBe('green');
      model.shift('_page.colors');
      expect(model.get('_page.color')).toBe('green');
      model.pop('_page.colors');
      expect(model.get('_page.color')).toBe('green');
      model.remove('_page.colors', 1, 2);
      expect(model.get('_page.color')).toBe('green');
    });
    it('updates a ref when an array move happens at the `to` path', () => {
      const model = createModel();
      model.set('_page.colors', ['red', 'blue', 'purple', 'green', 'cyan', 'yellow']);
      model.ref('_page.color', '_page.colors.3', { updateIndices: true });
      expect(model.get('_page.color')).toBe('green');
      for (const [from, to, howMany] of moves) {
        model.move('_page.colors', from, to, howMany);
        expect(model.get('_page.color')).toBe('green');
      }
    });
    it('updates a ref when an array insert happens within the `to` path', () => {
      const model = createModel();
      model.set('_page.colors', [{ name: 'red' }, { name: 'green' }, { name: 'blue' }]);
      model.ref('_page.color', '_page.colors.1.name', { updateIndices: true });
      expect(model.get('_page.color')).toBe('green');
      model.unshift('_page.colors', 'yellow');
      expect(model.get('_page.color')).toBe('green');
      model.push('_page.colors', 'orange');
      expect(model.get('_page.color')).toBe('green');
      model.insert('_page.colors', 2, 'purple', 'cyan');
      expect(model.get('_page.color')).toBe('green');
    });
    it('updates a ref when an array remove happens within the `to` path', () => {
      const model = createModel();
      model.set('_page.colors', [{ name: 'red' }, { name: 'blue' }, { name: 'purple' }, { name: 'cyan' }, { name: 'green' }, { name: 'yellow' }]);
      model.ref('_page.color', '_page.colors.4.name', { updateIndices: true });
      expect(model.get('_page.color')).toBe('green');
      model.shift('_page.colors');
      expect(model.get('_page.color')).toBe('green');
      model.pop('_page.colors');
      expect(model.get('_page.color')).toBe('green');
      model.remove('_page.colors', 1, 2);
      expect(model.get('_page.color')).toBe('green');
    });
    it('updates a ref when an array move happens within the `to` path', () => {
      const model = createModel();
      model.set('_page.colors', [{ name: 'red' }, { name: 'blue' }, { name: 'purple' }, { name: 'green' }, { name: 'cyan' }, { name: 'yellow' }]);
      model.ref('_page.color', '_page.colors.3.name', { updateIndices: true });
      expect(model.get('_page.color')).toBe('green');
      for (const [from, to, howMany] of moves) {
        model.move('_page.colors', from, to, howMany);
        expect(model.get('_page.color')).toBe('green');
      }
    });
  });
});
