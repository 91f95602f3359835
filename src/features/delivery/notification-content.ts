import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { districts, families, familyMembers, requests, staff } from '../../db/schema/index.js';
import type { I18n } from '../../i18n.js';
import { notificationKinds } from '../routing/routing.usecases.js';
import type { Notification } from './notifications.repository.js';

export interface NotificationContent {
  text: string;
}

/** A deadline as people in the region read it: `25.11.2026, 14:30`. */
export function formatRegionTime(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('ru-RU', {
    timeZone,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(date);
}

const unreachablePayload = z.object({
  unreachableStaffId: z.number().int(),
  next: z.enum(['curator', 'supervisors', 'nobody', 'unchanged']),
  nextStaffId: z.number().int().nullable(),
});
const familyPayload = z.object({ familyId: z.number().int() });

/**
 * The text of a notification, built when it is sent: rows and job payloads keep ids only, and the card
 * shows the request as it is at that moment. Staff read Russian. Undefined for a kind this version
 * cannot render (recorded as failed, not retried).
 */
export async function renderNotification(
  deps: { db: Db; i18n: I18n; timeZone: string },
  notification: Notification,
): Promise<NotificationContent | undefined> {
  const t = deps.i18n.forLanguage('ru');
  const staffName = async (id: number) =>
    (await deps.db.select({ fullName: staff.fullName }).from(staff).where(eq(staff.id, id)))[0]?.fullName ??
    '—';

  switch (notification.kind) {
    case notificationKinds.requestCard: {
      if (notification.requestId === null) return undefined;
      const [row] = await deps.db
        .select({
          number: requests.number,
          category: requests.category,
          priority: requests.priority,
          memberId: requests.memberId,
          familyId: requests.familyId,
          takeDeadlineAt: requests.takeDeadlineAt,
          district: districts.name,
        })
        .from(requests)
        .innerJoin(families, eq(families.id, requests.familyId))
        .innerJoin(districts, eq(districts.id, families.districtId))
        .where(eq(requests.id, notification.requestId));
      if (!row) return undefined;
      const [member] = await deps.db
        .select({ fullName: familyMembers.fullName })
        .from(familyMembers)
        .where(
          row.memberId === null
            ? eq(familyMembers.familyId, row.familyId)
            : eq(familyMembers.id, row.memberId),
        )
        .orderBy(asc(familyMembers.id))
        .limit(1);
      const card = t('delivery-request-card', {
        number: String(row.number),
        category: row.category,
        urgent: row.priority === 'urgent' ? 'yes' : 'no',
        district: row.district,
        family: member?.fullName ?? t('delivery-family-unknown'),
        deadline: formatRegionTime(row.takeDeadlineAt, deps.timeZone),
        timeZone: deps.timeZone,
      });
      const rerouted = notification.payload.rerouted === true;
      return { text: rerouted ? `${card}\n\n${t('delivery-request-card-rerouted')}` : card };
    }
    case notificationKinds.familyWithoutCurator: {
      const { familyId } = familyPayload.parse(notification.payload);
      const [row] = await deps.db
        .select({ district: districts.name })
        .from(families)
        .innerJoin(districts, eq(districts.id, families.districtId))
        .where(eq(families.id, familyId));
      if (!row) return undefined;
      return { text: t('delivery-family-without-curator', { district: row.district, familyId }) };
    }
    case notificationKinds.recipientUnreachable: {
      const payload = unreachablePayload.parse(notification.payload);
      if (notification.requestId === null) return undefined;
      const [request] = await deps.db
        .select({ number: requests.number })
        .from(requests)
        .where(eq(requests.id, notification.requestId));
      if (!request) return undefined;
      const next =
        payload.next === 'curator' && payload.nextStaffId !== null
          ? await staffName(payload.nextStaffId)
          : payload.next === 'supervisors'
            ? t('delivery-supervisors')
            : payload.next;
      return {
        text: t('delivery-recipient-unreachable', {
          unreachable: await staffName(payload.unreachableStaffId),
          number: String(request.number),
          next,
        }),
      };
    }
    default:
      return undefined;
  }
}
