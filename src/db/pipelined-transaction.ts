import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/postgres-js';
import type postgres from 'postgres';
import type { Db } from './client.js';
import { isDatabaseOutage } from './database-outage.js';

const dialect = new PgDialect({ casing: 'snake_case' });

/** What the body of a pipelined transaction may hand back to run with its `commit`. */
export interface LastStatement {
  /** A statement that ends the body's work: it goes in the same write as the `commit`. */
  last(statement: SQL): void;
}

/**
 * A transaction of two round trips fewer than `db.transaction`: `begin` goes to PostgreSQL in the same
 * write as the body's first statement, and `commit` in the same write as its last one when the body hands
 * it over (`last`). postgres.js sends what is issued on one connection before the event loop's next turn as
 * one write, and PostgreSQL answers in order; a statement that fails aborts the transaction, and the
 * `commit` after it then only rolls back. `db.transaction` waits for its `begin` before the body runs and
 * sends `commit` after the body's last answer: each a write, a wake-up of the server and a wait. The
 * connection is held as by `db.transaction` (row locks stay until the end).
 */
export async function pipelinedTransaction<T>(
  db: Db,
  body: (tx: Db, end: LastStatement) => Promise<T>,
): Promise<T> {
  // The client is our preparing wrapper (client.ts): the reserved connection prepares statements as it does.
  const reserved = await (db.$client as postgres.Sql).reserve();
  const tx = drizzle({ client: reserved, casing: 'snake_case' }) as unknown as Db;
  let last: SQL | undefined;
  let ended = false;
  const finish = async (statement: 'commit' | 'rollback') => {
    try {
      if (statement === 'rollback' || !last) {
        const ended = await reserved.unsafe(statement);
        if (statement === 'commit' && ended.command !== 'COMMIT')
          throw new Error('the transaction was rolled back');
        return;
      }
      const query = dialect.sqlToQuery(last);
      // Issued one after the other in this turn: one write, answered in this order.
      const lastRun = reserved.unsafe(query.sql, query.params as never[]).execute();
      const committed = reserved.unsafe('commit').execute();
      const [lastOutcome, commitOutcome] = await Promise.allSettled([lastRun, committed]);
      if (commitOutcome.status === 'rejected') throw commitOutcome.reason;
      if (lastOutcome.status === 'rejected') throw lastOutcome.reason;
      // A statement of the body that failed, its error caught there, aborted the transaction.
      if (commitOutcome.value.command !== 'COMMIT') throw new Error('the transaction was rolled back');
      return;
    } catch (error) {
      // A connection that broke is the pool's to replace (postgres.js moved it to its closed ones); given
      // back, it would be handed out again broken.
      if (isDatabaseOutage(error)) ended = true;
      throw error;
    }
  };
  try {
    const begun = reserved.unsafe('begin').execute();
    begun.catch(() => undefined);
    let result: T;
    try {
      result = await body(tx, {
        last(statement) {
          last = statement;
        },
      });
      await begun;
    } catch (error) {
      await finish('rollback').catch(() => undefined);
      throw error;
    }
    await finish('commit');
    return result;
  } finally {
    if (!ended) reserved.release();
  }
}
