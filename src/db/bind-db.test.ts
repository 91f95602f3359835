import { describe, expect, it } from 'vitest';
import { bindDb } from './bind-db.js';
import type { DbOrTx } from './client.js';

describe('bindDb', () => {
  it('gives each query the handle it was bound to first, then the caller’s arguments and defaults', async () => {
    const connection = { name: 'connection' } as unknown as DbOrTx;
    const transaction = { name: 'transaction' } as unknown as DbOrTx;
    const queries = {
      find: async (db: DbOrTx, id: number, options: { locked?: boolean } = {}) => ({ db, id, options }),
    };
    const outside = bindDb(connection, queries);
    const inside = bindDb(transaction, queries);
    await expect(outside.find(7)).resolves.toEqual({ db: connection, id: 7, options: {} });
    await expect(inside.find(8, { locked: true })).resolves.toEqual({
      db: transaction,
      id: 8,
      options: { locked: true },
    });
  });
});
