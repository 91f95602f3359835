import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';

/**
 * Above this many parameters a statement is sent unnamed, as drizzle sends all of them: multi-row inserts
 * and long `in (…)` lists vary in their text with their size, and each text kept prepared costs memory on
 * both sides for the connection's life.
 */
const MAX_PREPARED_PARAMETERS = 64;

type Sql = postgres.Sql;
type UnsafeOptions = Parameters<Sql['unsafe']>[2];

/**
 * drizzle runs every query it builds unnamed (`prepare: false`), and postgres.js sends an unnamed query
 * with parameters in two round trips: Parse/Describe first to learn the parameters' types, then
 * Bind/Execute — two socket writes and two waits per query, the largest item of the bot's CPU profile.
 * Named (prepared) once per connection, a query is one write and one round trip, and PostgreSQL parses it
 * once. postgres.js drops and re-prepares a statement a schema change invalidated.
 */
function preparing(sql: Sql): Sql {
  return new Proxy(sql, {
    get(target, key, receiver) {
      if (key === 'unsafe') {
        return (query: string, params?: unknown[], options?: UnsafeOptions) =>
          target.unsafe(query, params as never, {
            ...options,
            prepare: params !== undefined && params.length > 0 && params.length <= MAX_PREPARED_PARAMETERS,
          });
      }
      // A transaction's (or savepoint's) own handle, on its reserved connection, prepares the same way.
      if (key === 'begin' || key === 'savepoint') {
        return (...args: unknown[]) => {
          const body = args.pop() as (tx: Sql) => unknown;
          const open = Reflect.get(target, key, receiver) as (...a: unknown[]) => unknown;
          return open(...args, (tx: Sql) => body(preparing(tx)));
        };
      }
      return Reflect.get(target, key, receiver);
    },
  });
}

export function createDb(databaseUrl: string, options: { max?: number } = {}) {
  const sql = postgres(databaseUrl, {
    max: options.max ?? 10,
    onnotice: () => {},
    connection: { application_name: 'patronazh' },
  });
  // No `schema`: nothing uses drizzle's relational queries (`db.query.…`), and with it every transaction
  // built a query helper for each of the schema's tables (a tenth of a millisecond per transaction, paid by
  // every relayed copy's sending transaction).
  const db = drizzle({ client: preparing(sql), casing: 'snake_case' });
  return { db, sql };
}

export type Db = ReturnType<typeof createDb>['db'];
/** An open transaction (its `transaction` opens a savepoint). */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** A database handle or an open transaction: repositories accept either. */
export type DbOrTx = Db | Tx;
