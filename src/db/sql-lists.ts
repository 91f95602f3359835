import { type SQL, sql } from 'drizzle-orm';
import { openRequestStatuses } from './schema/enums.js';

/** `('new', 'assigned', 'in_progress', 'waiting_family')`: the open statuses as an SQL list, for raw SQL. */
export const openStatusList: SQL = sql.raw(
  `(${openRequestStatuses.map((status) => `'${status}'`).join(', ')})`,
);

/**
 * `column in (1,2,3)`: integer ids written into the statement (no bind parameter per id, no parameter
 * limit; each id truncated to an integer, so nothing else can be written in). An empty list is `false`.
 */
export function inIntegers(column: string, ids: readonly number[]): SQL {
  if (ids.length === 0) return sql`false`;
  return sql.raw(`${column} in (${ids.map((id) => Math.trunc(id)).join(',')})`);
}

/** A district condition of figures: every district (`'all'`), or those listed (none: `false`). */
export function inDistricts(column: string, districtIds: readonly number[] | 'all'): SQL {
  return districtIds === 'all' ? sql`true` : inIntegers(column, districtIds);
}
