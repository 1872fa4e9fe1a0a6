/**
 * Access rules and schema checks of a server: who may read which document,
 * and whether a write (create, update, delete) is allowed and valid.
 *
 * With `rules`, every collection needs its own rules object, and every kind
 * of access its own function: what is not allowed by a rule is denied. With
 * no `rules`, everything is allowed. A rule that throws (or rejects) denies.
 */
import { schemaProblem } from '../schema/validate-document.ts';
import type { DocumentsOf, SchemaMap } from '../schema/standard-schema.ts';
import type { Session } from './session.ts';

/** A rule's answer: true allows, false denies (or a promise of either). */
export type RuleResult = boolean | Promise<boolean>;

/**
 * The rules of one collection. Each gets the connection's session (what
 * `authenticate` returned), the document id and the document's JSON value.
 *
 * @example
 * const rules = {
 *   todos: {
 *     read: (session, id, doc) => doc === undefined || doc.owner === session.user,
 *     create: (session, id, doc) => doc.owner === session.user,
 *     update: (session, id, before, after) => before.owner === session.user && after.owner === before.owner,
 *     delete: (session, id, before) => before.owner === session.user,
 *   },
 * };
 */
export interface CollectionRules<Doc = unknown> {
  /** May the session read the document? `doc` is undefined when it does not exist (yet). */
  readonly read?: (session: Session, docId: string, doc: Doc | undefined) => RuleResult;
  /** May the session create the document with this value? */
  readonly create?: (session: Session, docId: string, doc: Doc) => RuleResult;
  /** May the session change the document from `before` to `after`? */
  readonly update?: (session: Session, docId: string, before: Doc, after: Doc) => RuleResult;
  /** May the session delete the document? */
  readonly delete?: (session: Session, docId: string, before: Doc) => RuleResult;
}

/**
 * Rules per collection (`createServer({ rules })`). Without a type argument,
 * annotate each rule's document parameters with the collection's document
 * type (`(session, id, doc: Todo) => ...`). With a schema map
 * (`Rules<typeof schema>`), the collections are the schema's and each rule's
 * parameters are typed from it: a misspelled collection or field does not
 * compile. Name collections without a schema as the second argument
 * (`Rules<typeof schema, 'letters'>`); their documents are `unknown`.
 *
 * @example
 * const rules: Rules<typeof schema> = {
 *   todos: { read: () => true, delete: (session, id, before) => before.owner === session['user'] },
 * };
 */
export type Rules<S extends SchemaMap | undefined = undefined, Extra extends string = never> = S extends SchemaMap
  ? { readonly [C in keyof S | Extra]?: CollectionRules<C extends keyof S ? DocumentsOf<S>[C] : unknown> }
  : Readonly<Record<string, CollectionRules<never>>>;

/** Why a write was refused: `forbidden` (a rule) or `invalid-document` (the schema). */
export interface WriteRefusal {
  readonly code: 'forbidden' | 'invalid-document';
  readonly message: string;
}

type Access = 'read' | 'create' | 'update' | 'delete';

/** The server's access rules and schema, as one checker. */
export class AccessRules {
  readonly #rules: Rules | undefined;
  readonly #schema: SchemaMap | undefined;

  constructor(rules: Rules | undefined, schema: SchemaMap | undefined) {
    this.#rules = rules;
    this.#schema = schema;
  }

  /** True when writes need checking (there are rules or a schema). */
  get checksWrites(): boolean {
    return this.#rules !== undefined || this.#schema !== undefined;
  }

  /** True when reads need a rule's answer (there are rules): queries are then paged per session. */
  get checksReads(): boolean {
    return this.#rules !== undefined;
  }

  async #allows(access: Access, collection: string, args: readonly unknown[]): Promise<string | null> {
    return this.#verdict(access, collection, args);
  }

  /** Null when allowed, else why not: synchronously when the rule answers synchronously, else a promise. */
  #verdict(access: Access, collection: string, args: readonly unknown[]): string | null | Promise<string | null> {
    if (!this.#rules) return null;
    const rules = Object.prototype.hasOwnProperty.call(this.#rules, collection) ? (this.#rules[collection] as CollectionRules) : undefined;
    if (!rules) return `collection "${collection}" has no rules, so nothing in it is allowed`;
    const rule = rules[access] as ((...a: readonly unknown[]) => RuleResult) | undefined;
    if (typeof rule !== 'function') return `rule ${collection}.${access} is not defined, so ${access} is denied`;
    const denied = `rule ${collection}.${access} denied it`;
    const threw = (error: unknown): string => `rule ${collection}.${access} threw (${error instanceof Error ? error.message : String(error)}), so it is denied`;
    let result: RuleResult;
    try {
      result = rule(...args);
    } catch (error) {
      return threw(error);
    }
    if (typeof (result as { then?: unknown } | null)?.then === 'function') {
      return Promise.resolve(result).then((allowed) => (allowed === true ? null : denied), threw);
    }
    return result === true ? null : denied;
  }

  /**
   * `canRead`, answered synchronously when the read rule answers
   * synchronously (a plain boolean), so that a delivery it allows need not
   * wait for a turn of the microtask queue; otherwise a promise.
   */
  readVerdict(session: Session, collection: string, id: string, value: unknown): string | null | Promise<string | null> {
    return this.#verdict('read', collection, [session, id, value]);
  }

  /** Null when the session may read the document, else why not. */
  canRead(session: Session, collection: string, id: string, value: unknown): Promise<string | null> {
    return this.#allows('read', collection, [session, id, value]);
  }

  /**
   * Null when the session may change the document from `before` to `after`
   * (undefined: it does not exist) and `after` passes the schema, else why
   * not. A write that leaves a missing document missing counts as a create.
   */
  async checkWrite(session: Session, collection: string, id: string, before: unknown, after: unknown): Promise<WriteRefusal | null> {
    let denied: string | null;
    if (after === undefined && before !== undefined) denied = await this.#allows('delete', collection, [session, id, before]);
    else if (before === undefined) denied = await this.#allows('create', collection, [session, id, after]);
    else denied = await this.#allows('update', collection, [session, id, before, after]);
    if (denied) return { code: 'forbidden', message: denied };
    const invalid = await schemaProblem(this.#schema, collection, id, after);
    return invalid ? { code: 'invalid-document', message: invalid } : null;
  }
}
