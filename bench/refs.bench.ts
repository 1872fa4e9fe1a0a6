/**
 * Refs: `get` through a ref (`_page.todo.title` → `todos.a.title`) and
 * through a ref list item (`_page.list.5.title`) against `get` of the target
 * path, in the same model (which has the refs, so the direct read also pays
 * for looking for them); and `set` in a model with many refs to other
 * documents against the same `set` in a model with none (every event is
 * checked against the refs whose targets it can reach). yracer is imported
 * as the built package.
 */
import { createModel, type Model } from 'yracer';
import { compare, formatPerOp, formatRatio, type Contender, type Row } from './harness.ts';

const OPS = 200_000;
const SET_OPS = 20_000;
const UNRELATED_REFS = 1_000;
let sink: unknown;

function model(): Model {
  const m = createModel();
  const ids = Array.from({ length: 10 }, (_, i) => `t${i}`);
  for (const id of ids) m.add('todos', { id, title: `Todo ${id}`, done: false });
  m.set('_page.ids', ids);
  m.ref('_page.todo', 'todos.t5');
  m.refList('_page.list', 'todos', '_page.ids');
  m.ref('_page.other', '_session.x'); // more refs than the one read
  return m;
}

function reading(path: string): Contender {
  return {
    ops: OPS,
    prepare: () => {
      const m = model();
      return () => {
        for (let i = 0; i < OPS; i++) sink = m.get(path);
      };
    },
  };
}

/** A model with one todo (and a listener on it) and `refs` refs (a tenth of them ref lists) to other documents. */
function setting(refs: number): Contender {
  return {
    ops: SET_OPS,
    prepare: () => {
      const m = createModel();
      m.add('todos', { id: 'a', title: 'start', done: false });
      m.on('change', 'todos.*.title', () => {});
      m.set('_page.ids', ['o0', 'o1']);
      for (let i = 0; i < refs; i++) {
        if (i % 10 === 9) m.refList(`_page.list${i}`, `others${i}`, '_page.ids');
        else m.ref(`_page.r${i}`, `todos.o${i}`);
      }
      return () => {
        for (let i = 0; i < SET_OPS; i++) m.set('todos.a.title', 'x' + i);
      };
    },
  };
}

/** `set` with many unrelated refs vs with none. */
function setRow(): Row {
  const c = compare({ name: 'set with unrelated refs', runs: { none: setting(0), many: setting(UNRELATED_REFS) }, baseline: 'none' });
  const ratio = c.ratio('many', 'none');
  return {
    benchmark: `\`model.set('todos.a.title', ...)\` with ${UNRELATED_REFS.toLocaleString('en-US')} refs and ref lists to other paths vs with no refs (time, refs/none)`,
    yracer: formatPerOp(c.result('many').nsPerOp),
    baseline: formatPerOp(c.result('none').nsPerOp),
    ratio: formatRatio(ratio, c.ratioRange('many', 'none')),
    target: '≤ 1.5x',
    met: ratio <= 1.5,
  };
}

/** Runs the cases; one row per way through a ref, and one for writes with many refs. */
export function run(): Row[] {
  const c = compare({
    name: 'get through a ref',
    runs: { direct: reading('todos.t5.title'), ref: reading('_page.todo.title'), list: reading('_page.list.5.title') },
    baseline: 'direct',
  });
  if (sink === undefined) throw new Error('the reads read nothing');
  const direct = formatPerOp(c.result('direct').nsPerOp);
  const row = (label: string, what: string, target: number | null): Row => ({
    benchmark: `get ${what} vs \`get('todos.t5.title')\` in the same model (time, ref/direct)`,
    yracer: formatPerOp(c.result(label).nsPerOp),
    baseline: direct,
    ratio: formatRatio(c.ratio(label, 'direct'), c.ratioRange(label, 'direct')),
    target: target === null ? '—' : `≤ ${target}x`,
    met: target === null ? null : c.ratio(label, 'direct') <= target,
  });
  // A ref list item also reads the ids array to find the item's id: informational.
  return [row('ref', "through a ref, `get('_page.todo.title')`", 1.5), row('list', "through a ref list item, `get('_page.list.5.title')`", null), setRow()];
}
