import { is, Placeholder, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Db, DbOrTx } from './client.js';

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

/**
 * A raw statement (drizzle's `sql` with `sql.placeholder`s) whose text is built once, through drizzle's
 * PostgreSQL dialect, and run on the process's handle with its values, prepared (client.ts):
 * `db.execute(sql`…`)` builds the text and its parameters anew on every call.
 */
export function preparedRaw<Row extends Record<string, unknown>>(query: SQL) {
  const { sql: text, params } = new PgDialect().sqlToQuery(query);
  return async (db: Db, values: Record<string, unknown>): Promise<Row[]> =>
    db.$client.unsafe<Row[]>(
      text,
      params.map((param) => (is(param, Placeholder) ? values[param.name] : param)) as never[],
    );
}
