/** Rules used by the access tests: a document is readable when shared or owned, and only its owner writes it. */
import type { Rules, Session } from '../../src/server/index.ts';

/** What the rules read of a document. */
export interface Owned {
  readonly owner: string;
  readonly shared?: boolean | undefined;
}

const user = (session: Session): unknown => session['user'];

/** Read: shared or own (or missing); create: as oneself; update: own, keeping the owner; delete: own. */
export const ownerRules: Rules = {
  todos: {
    read: (session, _id, doc: Owned | undefined) => doc === undefined || doc.shared === true || doc.owner === user(session),
    create: (session, _id, doc: Owned) => doc.owner === user(session),
    update: (session, _id, before: Owned, after: Owned) => before.owner === user(session) && after.owner === before.owner,
    delete: (session, _id, before: Owned) => before.owner === user(session),
  },
};
