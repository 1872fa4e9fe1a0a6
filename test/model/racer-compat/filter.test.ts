/**
 * Port of Racer's test/Model/filter.js (derbyjs/racer 2.3.1).
 */
import { describe, expect, it } from 'vitest';
import { createModel, type Model } from '../../../src/index.ts';

/** `_page` with the numbers 0 3 4 1 2 3 0 under new ids, as most of Racer's filter tests start. */
function numbersModel(): Model {
  const model = createModel().at('_page');
  for (const number of [0, 3, 4, 1, 2, 3, 0]) model.set(`numbers.${model.id()}`, number);
  return model;
}
const even = (number: number): boolean => number % 2 === 0;
const modOffset = (number: number, _id: string, _numbers: unknown, mod: number, offset: number): boolean => number % mod === offset;

describe('filter', () => {
  describe('getting', () => {
    // docs/racer.md: "Filters work over arrays (Racer throws)"
    it.skip('does not support array', () => {
      const model = createModel().at('_page');
      model.set('numbers', [0, 3, 4, 1, 2, 3, 0]);
      const filter = model.filter('numbers', even);
      expect(() => filter.get()).toThrow(Error);
    });
    it('supports filter of object', () => {
      const model = numbersModel();
      const filter = model.filter('numbers', even);
      expect(filter.get()).toEqual([0, 4, 2, 0]);
    });
    it('supports sort of object', () => {
      const model = numbersModel();
      let filter = model.sort('numbers', 'asc');
      expect(filter.get()).toEqual([0, 0, 1, 2, 3, 3, 4]);
      filter = model.sort('numbers', 'desc');
      expect(filter.get()).toEqual([4, 3, 3, 2, 1, 0, 0]);
    });
    it('supports filter and sort of object', () => {
      const model = numbersModel();
      model.fn('even', even);
      const filter = model.filter('numbers', 'even').sort();
      expect(filter.get()).toEqual([0, 0, 2, 4]);
    });
    it('supports additional input paths as var-args', () => {
      const model = numbersModel();
      model.set('mod', 3);
      model.set('offset', 0);
      const filter = model.filter('numbers', 'mod', 'offset', modOffset);
      expect(filter.get()).toEqual([0, 3, 3, 0]);
    });
    it('supports additional input paths as array', () => {
      const model = numbersModel();
      model.set('mod', 3);
      model.set('offset', 0);
      const filter = model.filter('numbers', ['mod', 'offset'], modOffset);
      expect(filter.get()).toEqual([0, 3, 3, 0]);
    });
    it('supports a skip option', () => {
      const model = numbersModel();
      model.set('mod', 3);
      model.set('offset', 0);
      const filter = model.filter('numbers', ['mod', 'offset'], { skip: 2 }, modOffset);
      expect(filter.get()).toEqual([3, 0]);
    });
  });

  describe('initial value set by ref', () => {
    it('supports filter of object', () => {
      const model = numbersModel();
      const filter = model.filter('numbers', even);
      filter.ref('_page.out');
      expect(model.get('out')).toEqual([0, 4, 2, 0]);
    });
    it('supports sort of object', () => {
      const model = numbersModel();
      let filter = model.sort('numbers', 'asc');
      expect(filter.get()).toEqual([0, 0, 1, 2, 3, 3, 4]);
      filter = model.sort('numbers', 'desc');
      filter.ref('_page.out');
      expect(model.get('out')).toEqual([4, 3, 3, 2, 1, 0, 0]);
    });
    it('supports filter and sort of object', () => {
      const model = numbersModel();
      model.fn('even', even);
      const filter = model.filter('numbers', 'even').sort();
      filter.ref('_page.out');
      expect(model.get('out')).toEqual([0, 0, 2, 4]);
    });
  });

  describe('ref updates as items are modified', () => {
    it('supports filter of object', () => {
      const model = createModel().at('_page');
      const greenId = model.add('colors', { name: 'green', primary: true });
      model.add('colors', { name: 'orange', primary: false });
      const redId = model.add('colors', { name: 'red', primary: true });
      const filter = model.filter('colors', (color: { primary: boolean }) => color.primary);
      filter.ref('_page.out');
      expect(model.get('out')).toEqual([
        { name: 'green', primary: true, id: greenId },
        { name: 'red', primary: true, id: redId },
      ]);
      model.set(`colors.${greenId}.primary`, false);
      expect(model.get('out')).toEqual([{ name: 'red', primary: true, id: redId }]);
      const yellowId = model.add('colors', { name: 'yellow', primary: true });
      expect(model.get('out')).toEqual([
        { name: 'red', primary: true, id: redId },
        { name: 'yellow', primary: true, id: yellowId },
      ]);
    });
    it('supports additional dynamic inputs as var-args', () => {
      const model = numbersModel();
      model.set('mod', 3);
      model.set('offset', 0);
      const filter = model.filter('numbers', 'mod', 'offset', modOffset);
      expect(filter.get()).toEqual([0, 3, 3, 0]);
      model.set('offset', 1);
      expect(filter.get()).toEqual([4, 1]);
      model.set('mod', 2);
      expect(filter.get()).toEqual([3, 1, 3]);
    });
    it('supports additional dynamic inputs as array', () => {
      const model = numbersModel();
      model.set('mod', 3);
      model.set('offset', 0);
      const filter = model.filter('numbers', ['mod', 'offset'], modOffset);
      expect(filter.get()).toEqual([0, 3, 3, 0]);
      model.set('offset', 1);
      expect(filter.get()).toEqual([4, 1]);
      model.set('mod', 2);
      expect(filter.get()).toEqual([3, 1, 3]);
    });
  });
});
