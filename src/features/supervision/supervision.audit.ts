import { and, asc, eq, gte, lt } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { auditLog, staff } from '../../db/schema/index.js';

export interface AuditFilters {
  staffId?: number;
  familyId?: number;
  action?: string;
  since?: Date;
  until?: Date;
  limit?: number;
}

/** Audit-log rows (staff reads of family cards, searches, exports) with the staff member's name; oldest first. */
export async function listAudit(db: Db, filters: AuditFilters) {
  return db
    .select({
      id: auditLog.id,
      createdAt: auditLog.createdAt,
      staffId: auditLog.staffId,
      staffName: staff.fullName,
      action: auditLog.action,
      familyId: auditLog.familyId,
      requestId: auditLog.requestId,
      details: auditLog.details,
    })
    .from(auditLog)
    .leftJoin(staff, eq(staff.id, auditLog.staffId))
    .where(
      and(
        filters.staffId === undefined ? undefined : eq(auditLog.staffId, filters.staffId),
        filters.familyId === undefined ? undefined : eq(auditLog.familyId, filters.familyId),
        filters.action === undefined ? undefined : eq(auditLog.action, filters.action),
        filters.since === undefined ? undefined : gte(auditLog.createdAt, filters.since),
        filters.until === undefined ? undefined : lt(auditLog.createdAt, filters.until),
      ),
    )
    .orderBy(asc(auditLog.createdAt), asc(auditLog.id))
    .limit(filters.limit ?? 1000);
}
