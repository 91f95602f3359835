import { eq, type SQL, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import type { RequestCategory } from '../../db/schema/enums.js';
import { staff, staffCategories } from '../../db/schema/index.js';
import { staffByTelegramId } from '../access/index.js';

/** Which families' requests a supervisor or an observer sees: the whole region, or listed districts. */
export interface SupervisionScope {
  regional: boolean;
  districtIds: readonly number[];
  /** Only these request categories (an observer such as a medical organisation); absent or empty: all. */
  categories?: readonly RequestCategory[];
}

/** An active supervisor or observer, as the supervision commands need them. */
export interface SupervisionViewer {
  id: number;
  role: 'supervisor' | 'observer';
  fullName: string;
  scope: SupervisionScope;
}

export type ViewerRefusal = 'family' | 'curator' | 'observer' | 'stranger';

/**
 * The staff member behind a Telegram account if they may use supervision commands: an active supervisor,
 * or (where `allowObservers`) an active observer. Otherwise who they are, so the refusal can be kind.
 */
export async function findViewer(
  db: DbOrTx,
  telegramId: number,
  options: { allowObservers: boolean },
): Promise<{ ok: true; viewer: SupervisionViewer } | { ok: false; reason: ViewerRefusal }> {
  const member = await staffByTelegramId(db, telegramId);
  if (!member?.active) return { ok: false, reason: 'stranger' };
  const allowed = member.role === 'supervisor' || (options.allowObservers && member.role === 'observer');
  if (!allowed) return { ok: false, reason: member.role === 'observer' ? 'observer' : 'curator' };
  const categories = await db
    .select({ category: staffCategories.category })
    .from(staffCategories)
    .where(eq(staffCategories.staffId, member.id));
  return {
    ok: true,
    viewer: {
      id: member.id,
      role: member.role as 'supervisor' | 'observer',
      fullName: member.fullName,
      scope: {
        regional: member.regional,
        districtIds: member.districtIds,
        categories: categories.map((row) => row.category),
      },
    },
  };
}

/** SQL condition on a families' district column: inside the scope. */
export function inScope(scope: SupervisionScope, districtColumn: unknown): SQL {
  if (scope.regional) return sql`true`;
  if (scope.districtIds.length === 0) return sql`false`;
  return sql`${districtColumn} in (${sql.join(
    scope.districtIds.map((id) => sql`${id}`),
    sql`, `,
  )})`;
}

/** SQL condition on a requests' category column: inside the scope's categories (all when none listed). */
export function inCategoryScope(scope: SupervisionScope, categoryColumn: unknown): SQL {
  if (!scope.categories || scope.categories.length === 0) return sql`true`;
  return sql`${categoryColumn} in (${sql.join(
    scope.categories.map((category) => sql`${category}`),
    sql`, `,
  )})`;
}

export function categoryCovered(scope: SupervisionScope, category: RequestCategory): boolean {
  return !scope.categories || scope.categories.length === 0 || scope.categories.includes(category);
}

/**
 * The districts a view of the scope covers: the one district asked for, else the scope's own; undefined
 * for the whole region.
 */
export function viewDistrictIds(
  scope: SupervisionScope,
  districtId: number | undefined,
): number[] | undefined {
  if (districtId !== undefined) return [districtId];
  return scope.regional ? undefined : [...scope.districtIds];
}

export function scopeCovers(scope: SupervisionScope, districtId: number): boolean {
  return scope.regional || scope.districtIds.includes(districtId);
}

/**
 * Sets the categories a staff member's figures are limited to (admin command line); an empty list lifts
 * the limit. Undefined when there is no such staff member.
 */
export async function setStaffCategories(db: Db, staffId: number, categories: readonly RequestCategory[]) {
  return db.transaction(async (tx) => {
    const [member] = await tx
      .select({ id: staff.id, role: staff.role })
      .from(staff)
      .where(eq(staff.id, staffId));
    if (!member) return undefined;
    await tx.delete(staffCategories).where(eq(staffCategories.staffId, staffId));
    if (categories.length > 0) {
      await tx
        .insert(staffCategories)
        .values([...new Set(categories)].map((category) => ({ staffId, category })));
    }
    return { role: member.role, categories: [...new Set(categories)] };
  });
}
