import type { DbOrTx } from '../../db/client.js';
import { createDistrictsRepository } from './districts.repository.js';

/** The region's districts, each with its id and name, in the order the repository lists them. */
export async function listDistricts(db: DbOrTx): Promise<Array<{ id: number; name: string }>> {
  const rows = await createDistrictsRepository({ db }).list();
  return rows.map((row) => ({ id: row.id, name: row.name }));
}
