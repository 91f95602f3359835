import type { DbOrTx } from './client.js';

type Query = (db: DbOrTx, ...args: never[]) => unknown;
type Bound<F> = F extends (db: DbOrTx, ...args: infer A) => infer R ? (...args: A) => R : never;

/**
 * A repository as a bag of short module-level functions that each take the database handle first: this
 * binds them to one handle (a connection or a transaction), so callers write `repository.find(id)`.
 */
export function bindDb<Queries extends Record<string, Query>>(
  db: DbOrTx,
  queries: Queries,
): { [Name in keyof Queries]: Bound<Queries[Name]> } {
  const bound: Record<string, unknown> = {};
  for (const [name, query] of Object.entries(queries)) {
    bound[name] = (...args: never[]) => query(db, ...args);
  }
  return bound as { [Name in keyof Queries]: Bound<Queries[Name]> };
}
