import { asc, eq, notInArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { districts, families, staffDistricts } from '../../db/schema/index.js';

export interface DistrictInput {
  code: string;
  name: string;
  kind: 'city' | 'municipal';
}

export function createDistrictsRepository({ db }: { db: DbOrTx }) {
  return {
    list() {
      return db.select().from(districts).orderBy(asc(districts.kind), asc(districts.name));
    },

    async upsert(input: DistrictInput) {
      const [row] = await db
        .insert(districts)
        .values(input)
        .onConflictDoUpdate({ target: districts.code, set: { name: input.name, kind: input.kind } })
        .returning();
      return row!;
    },

    /** Districts outside `keepCodes` that no family or staff member refers to. */
    async removeUnreferencedExcept(keepCodes: string[]) {
      const referenced = sql`${districts.id} not in (select ${families.districtId} from ${families})
        and ${districts.id} not in (select ${staffDistricts.districtId} from ${staffDistricts})`;
      const removed = await db
        .delete(districts)
        .where(
          keepCodes.length > 0 ? sql`${notInArray(districts.code, keepCodes)} and ${referenced}` : referenced,
        )
        .returning({ code: districts.code });
      const kept = await db
        .select({ code: districts.code })
        .from(districts)
        .where(keepCodes.length > 0 ? notInArray(districts.code, keepCodes) : undefined);
      return { removed: removed.map((r) => r.code), keptBecauseReferenced: kept.map((r) => r.code) };
    },

    async findByCode(code: string) {
      const [row] = await db.select().from(districts).where(eq(districts.code, code));
      return row;
    },
  };
}
