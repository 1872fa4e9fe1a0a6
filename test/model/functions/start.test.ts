import { describe, expect, it } from 'vitest';
import { createModel, type ChangeEvent, type ModelEvent } from '../../../src/index.ts';

const sum = (a: number, b: number): number => a + b;

describe('start', () => {
  it('sets the output at once and returns it', () => {
    const model = createModel();
    model.set('_nums.x', { a: 2, b: 4 });
    expect(model.start('_nums.sum', '_nums.x.a', '_nums.x.b', sum)).toBe(6);
    expect(model.get('_nums.sum')).toBe(6);
  });

  it('takes a registered name, and inputs as one array', () => {
    const model = createModel();
    model.fn('sum', sum);
    model.set('_nums.x', { a: 2, b: 4 });
    expect(model.start('_nums.sum', ['_nums.x.a', '_nums.x.b'], 'sum')).toBe(6);
  });

  it('sets the output again when an input changes, once per change', () => {
    const model = createModel();
    let calls = 0;
    model.set('_nums.x', { a: 2, b: 4 });
    model.start('_nums.sum', '_nums.x.a', '_nums.x.b', (a: number, b: number) => {
      calls++;
      return a + b;
    });
    model.set('_nums.x.a', 1);
    expect(model.get('_nums.sum')).toBe(5);
    model.set('_nums.x.a', 5);
    model.set('_nums.x.b', 10);
    expect(model.get('_nums.sum')).toBe(15);
    expect(calls).toBe(4);
  });

  it('sets the output when a parent of an input is replaced, not when a sibling changes', () => {
    const model = createModel();
    let calls = 0;
    model.set('_nums.in', { a: 2, b: 4 });
    model.start('_nums.sum', '_nums.in.a', '_nums.in.b', (a: number, b: number) => {
      calls++;
      return a + b;
    });
    model.set('_nums.in', { a: 5, b: 7 });
    expect(model.get('_nums.sum')).toBe(12);
    expect(calls).toBe(2);
    model.set('_nums.in.c', -1);
    expect(calls).toBe(2);
  });

  it('runs once for a write that changes several inputs in one transaction', () => {
    const model = createModel();
    let calls = 0;
    model.set('_nums.in', { a: 1, b: 1 });
    model.start('_nums.sum', '_nums.in.a', '_nums.in.b', (a: number, b: number) => {
      calls++;
      return a + b;
    });
    model.setDiffDeep('_nums.in', { a: 2, b: 3 });
    expect(model.get('_nums.sum')).toBe(5);
    expect(calls).toBe(2);
  });

  it('follows changes below an input', () => {
    const model = createModel();
    model.set('_page.todos', [{ done: true }, { done: false }]);
    model.start('_page.left', '_page.todos', (todos: Array<{ done: boolean }>) => todos.filter((todo) => !todo.done).length);
    expect(model.get('_page.left')).toBe(1);
    model.set('_page.todos.0.done', false);
    expect(model.get('_page.left')).toBe(2);
    model.push('_page.todos', { done: false });
    expect(model.get('_page.left')).toBe(3);
  });

  it('follows a synced document being created, changed and deleted', () => {
    const model = createModel();
    model.start('_page.title', 'todos.a.title', (title?: string) => title ?? '(none)');
    expect(model.get('_page.title')).toBe('(none)');
    model.add('todos', { id: 'a', title: 'Milk' });
    expect(model.get('_page.title')).toBe('Milk');
    model.del('todos.a');
    expect(model.get('_page.title')).toBe('(none)');
  });

  it('replaces the function started at the same output path', () => {
    const model = createModel();
    let first = 0;
    model.set('_nums.x', { a: 2, b: 4 });
    model.start('_nums.sum', '_nums.x.a', '_nums.x.b', (a: number, b: number) => {
      first++;
      return a + b;
    });
    model.start('_nums.sum', '_nums.x.a', '_nums.x.b', (a: number, b: number) => a * b);
    model.set('_nums.x.a', 3);
    expect(model.get('_nums.sum')).toBe(12);
    expect(first).toBe(1);
  });

  it('passes the data of the change that caused a run to the output events', () => {
    const model = createModel();
    model.set('_nums.x', { a: 1, b: 1 });
    model.start('_nums.sum', '_nums.x.a', '_nums.x.b', sum);
    const seen: ChangeEvent[] = [];
    model.on('change', '_nums.sum', (event) => seen.push(event));
    model.pass({ by: 'me' }).set('_nums.x.a', 2);
    expect(seen.map((event) => [event.value, event.passed])).toEqual([[3, { by: 'me' }]]);
  });

  it('lets listeners of an input change read the new output', () => {
    const model = createModel();
    model.set('_nums.x', { a: 1, b: 1 });
    model.start('_nums.sum', '_nums.x.a', '_nums.x.b', sum);
    let read: unknown;
    model.on('change', '_nums.x.a', () => {
      read = model.get('_nums.sum');
    });
    model.set('_nums.x.a', 5);
    expect(read).toBe(6);
  });
});

describe('start: modes', () => {
  it('writes only what changed by default (diffDeep)', () => {
    const model = createModel();
    model.set('_page.in', { a: { x: 1 }, b: { y: 2 } });
    model.start('_page.out', '_page.in', (value: unknown) => value);
    const events: ModelEvent[] = [];
    model.on('all', '_page.out.**', (event) => events.push(event));
    model.set('_page.in.a.x', 3);
    expect(events.map((event) => [event.type, event.path])).toEqual([['change', '_page.out.a.x']]);
    expect(model.get('_page.out')).toEqual(model.get('_page.in'));
  });

  it('emits a move at the output for a moved input element with mode arrayDeep', () => {
    const model = createModel();
    model.set('_test.in', [{ x: 1 }, { x: 2 }]);
    model.start('_test.out', '_test.in', { mode: 'arrayDeep' }, (value: unknown) => value);
    const events: ModelEvent[] = [];
    model.on('all', '_test.out.**', (event) => events.push(event));
    model.move('_test.in', 0, 1);
    expect(events.map((event) => event.type)).toEqual(['move']);
    expect(model.get('_test.out')).toEqual([{ x: 2 }, { x: 1 }]);
  });

  it('replaces the whole value when it is not deep equal with mode diff', () => {
    const model = createModel();
    model.set('_page.in', { a: 1, b: 2 });
    model.start('_page.out', '_page.in', { mode: 'diff' }, (value: unknown) => value);
    const events: ModelEvent[] = [];
    model.on('all', '_page.out.**', (event) => events.push(event));
    model.set('_page.in.a', 5);
    expect(events.map((event) => [event.type, event.path])).toEqual([['change', '_page.out']]);
  });

  it('diffs arrays by element identity with mode array', () => {
    const model = createModel();
    model.set('_page.in', { list: [1, 2, 3] });
    model.start('_page.out', '_page.in.list', { mode: 'array' }, (list: number[]) => list.filter((n) => n !== 2));
    const events: ModelEvent[] = [];
    model.on('all', '_page.out', (event) => events.push(event));
    model.push('_page.in.list', 4);
    expect(model.get('_page.out')).toEqual([1, 3, 4]);
    expect(events.map((event) => event.type)).toEqual(['insert']);
  });

  it('re-runs once on a microtask after several changes with async: true', async () => {
    const model = createModel();
    let calls = 0;
    model.set('_nums.x', { a: 2, b: 4 });
    model.start('_nums.sum', '_nums.x.a', '_nums.x.b', { async: true }, (a: number, b: number) => {
      calls++;
      return a + b;
    });
    model.set('_nums.x.a', 1);
    model.set('_nums.x.b', 10);
    expect(model.get('_nums.sum')).toBe(6);
    await Promise.resolve();
    expect(model.get('_nums.sum')).toBe(11);
    expect(calls).toBe(2);
  });
});

describe('start: two-way functions', () => {
  const fullName = {
    get: (first: string, last: string) => `${first} ${last}`,
    set: (full: string) => full.split(' '),
  };

  it('writes the inputs when the output is written', () => {
    const model = createModel();
    model.fn('fullName', fullName);
    model.set('_user.name', { first: 'John', last: 'Smith' });
    model.at('_user.name').start('full', 'first', 'last', 'fullName');
    expect(model.get('_user.name')).toEqual({ first: 'John', last: 'Smith', full: 'John Smith' });
    model.set('_user.name.full', 'Jane Doe');
    expect(model.get('_user.name')).toEqual({ first: 'Jane', last: 'Doe', full: 'Jane Doe' });
  });

  it('leaves an input alone for an undefined entry and does nothing for null', () => {
    const model = createModel();
    model.set('_user.name', { first: 'John', last: 'Smith' });
    model.start('_user.full', '_user.name.first', '_user.name.last', {
      get: (first: string, last: string) => `${first} ${last}`,
      set: (full: string) => (full === 'skip' ? null : [undefined, full]),
    });
    model.set('_user.full', 'Doe');
    expect(model.get('_user.name')).toEqual({ first: 'John', last: 'Doe' });
    model.set('_user.full', 'skip');
    expect(model.get('_user.name')).toEqual({ first: 'John', last: 'Doe' });
  });

  it('mirrors a move and a change below the output onto the input', () => {
    const model = createModel();
    model.set('_test.in', { a: [{ x: 1, y: 2 }, { x: 2, y: 0 }] });
    model.start('_test.out', '_test.in', { get: (v: unknown) => v, set: (v: unknown) => [v] });
    model.set('_test.out.a.0.x', 3);
    expect(model.get('_test.in')).toEqual({ a: [{ x: 3, y: 2 }, { x: 2, y: 0 }] });
    model.move('_test.out.a', 0, 1);
    expect(model.get('_test.in')).toEqual(model.get('_test.out'));
  });

  it('uses the built-in reverse both ways', () => {
    const model = createModel();
    model.set('_page.list', [1, 2, 3]);
    model.start('_page.reversed', '_page.list', 'reverse');
    expect(model.get('_page.reversed')).toEqual([3, 2, 1]);
    model.push('_page.reversed', 0);
    expect(model.get('_page.list')).toEqual([0, 1, 2, 3]);
  });
});

describe('stop and stopAll', () => {
  it('stops updating after stop, and stop without start does nothing', () => {
    const model = createModel();
    model.stop('_nums.sum');
    model.set('_nums.x', { a: 2, b: 4 });
    model.start('_nums.sum', '_nums.x.a', '_nums.x.b', sum);
    model.start('_nums.sum', '_nums.x.a', '_nums.x.b', sum);
    model.stop('_nums.sum');
    model.set('_nums.x.a', 3);
    expect(model.get('_nums.sum')).toBe(6);
  });

  it('stops the functions at and below a path', () => {
    const model = createModel();
    model.fn('sum', sum);
    model.setEach('_nums.x', { a: 2, b: 4, c: 3, d: 7 });
    model.start('_continue.r.x', '_nums.x.a', '_nums.x.b', 'sum');
    model.start('_continue.r.y', '_nums.x.c', '_nums.x.d', 'sum');
    model.start('_halt.r.x', '_nums.x.a', '_nums.x.b', 'sum');
    model.start('_halt.r.y', '_nums.x.c', '_nums.x.d', 'sum');
    model.stopAll('_halt');
    model.set('_nums.x.a', 0);
    model.set('_nums.x.c', 0);
    expect(model.get('_continue.r')).toEqual({ x: 4, y: 7 });
    expect(model.get('_halt.r')).toEqual({ x: 6, y: 10 });
    model.at('_continue').stopAll();
    model.set('_nums.x.a', 1);
    expect(model.get('_continue.r.x')).toBe(4);
  });
});

describe('start: loops', () => {
  it('does not re-run a function for its own write to its input', () => {
    const model = createModel();
    let calls = 0;
    model.set('_page.list', [1]);
    model.start('_page.list', '_page.list', (list: number[]) => {
      calls++;
      return [...list, list.length + 1];
    });
    expect(model.get('_page.list')).toEqual([1, 2]);
    model.push('_page.list', 9);
    expect(model.get('_page.list')).toEqual([1, 2, 9, 4]);
    expect(calls).toBe(2);
  });

  it('stops two functions that keep feeding each other with an error naming it, after a bounded number of runs', () => {
    const model = createModel();
    let runs = 0;
    model.set('_page.a', 0);
    model.fn('plusOne', (n: number) => {
      runs++;
      return n + 1;
    });
    model.start('_page.b', '_page.a', 'plusOne');
    runs = 0;
    expect(() => model.start('_page.a', '_page.b', 'plusOne')).toThrow(/yracer start\('_page\.(a|b)'\): the function "plusOne" ran in a chain of 100 reactive writes: .*a loop/);
    expect(runs).toBeLessThanOrEqual(101);
    // One of them is stopped: the other alone settles.
    runs = 0;
    model.set('_page.a', 10);
    expect(runs).toBeLessThanOrEqual(1);
  });

  it('lets two functions that settle feed each other', () => {
    const model = createModel();
    model.set('_page.a', 3);
    model.start('_page.b', '_page.a', (n: number) => Math.min(n, 5));
    model.start('_page.a', '_page.b', (n: number) => Math.min(n, 5));
    model.set('_page.a', 9);
    expect(model.get('_page.a')).toBe(5);
    expect(model.get('_page.b')).toBe(5);
  });
});

describe('start: bad input', () => {
  it('names an unknown function and starts nothing', () => {
    const model = createModel();
    model.set('_page.a', 1);
    expect(() => model.start('_page.out', '_page.a', 'nope')).toThrow(/yracer start\('_page\.out'\): no function named "nope"/);
    model.set('_page.a', 2);
    expect(model.get('_page.out')).toBeUndefined();
  });

  it('refuses an output path that names no document', () => {
    const model = createModel();
    expect(() => model.start('_page', '_page.a', sum)).toThrow(/the output path must name a document/);
    expect(() => model.start('', '_page.a', sum)).toThrow(/invalid output path/);
  });

  it('refuses a result that is not JSON and starts nothing', () => {
    const model = createModel();
    expect(() => model.start('_page.out', '_page.a', () => new Map())).toThrow(/_page\.out/);
    expect(model.get('_page.out')).toBeUndefined();
  });

  it('refuses a non-array result in an array mode', () => {
    const model = createModel();
    expect(() => model.start('_page.out', '_page.a', { mode: 'array' }, () => 5)).toThrow(/setArrayDiff\('_page\.out'\): the value must be an array, got number/);
  });

  it('reports an error thrown by the function on a re-run to the writer, and keeps running', () => {
    const model = createModel();
    model.set('_page.a', 1);
    model.start('_page.out', '_page.a', (n: number) => {
      if (n < 0) throw new Error('negative');
      return n * 2;
    });
    expect(() => model.set('_page.a', -1)).toThrow(/negative/);
    model.set('_page.a', 4);
    expect(model.get('_page.out')).toBe(8);
  });
});
