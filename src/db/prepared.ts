import type { DbOrTx } from './client.js';

/**
 * A query built once per database handle (drizzle's `.prepare()` with placeholders) rather than on every
 * call: for the statements of every relayed copy, building the query anew was the largest part of the
 * worker's CPU besides the sends. A transaction is a handle of its own (prepared again for each one), so
 * this pays off for queries on the process's long-lived handle.
 */
export function preparedPerDb<Prepared>(build: (db: DbOrTx) => Prepared): (db: DbOrTx) => Prepared {
  const built = new WeakMap<DbOrTx, Prepared>();
  return (db) => {
    let prepared = built.get(db);
    if (!prepared) {
      prepared = build(db);
      built.set(db, prepared);
    }
    return prepared;
  };
}
