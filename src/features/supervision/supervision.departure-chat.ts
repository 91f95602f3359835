import { and, asc, eq, inArray, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../db/client.js';
import { openRequestStatuses } from '../../db/schema/enums.js';
import { consultations, families, notifications, requests, staff } from '../../db/schema/index.js';
import { deadlineNotificationKinds } from '../deadlines/index.js';
import {
  retractionKind,
  retractionTargetColumns,
  type SupervisorsLevel,
  staffViewKind,
  type TakeBack,
  withdrawAndTakeBack,
} from '../delivery/index.js';
import { psychologistKinds } from '../psychologists/index.js';
import { relayNotificationKinds } from '../relay/index.js';
import { shownCardKind } from '../request-card/index.js';
import { notificationKinds, supervisorsLevelFor } from '../routing/index.js';
import { supervisionNotificationKinds } from './supervision.notices.js';

/**
 * Messages that show a family's data — a request's card (delivered, brought by a hand-over, or opened), a
 * family card, «Показать полностью», a search result, a phone intake, «👋 Вам передана семья …», the
 * family's own messages copied to them (and corrections of those); a psychologist's new booking, reminder,
 * a family's cancellation or move (each names the family), `/today`, `/week` and a booking's notes (staff
 * views) — taken back
 * from the chat of a person who left whatever their request's state: a former employee keeps no family's
 * data (SPEC §8: staff see only their scope; they have none).
 */
const familyDataKinds = [
  notificationKinds.requestCard,
  notificationKinds.curatorRequestReopened,
  notificationKinds.familyAssigned,
  shownCardKind,
  staffViewKind,
  supervisionNotificationKinds.requestReassignedTo,
  supervisionNotificationKinds.familyReassignedTo,
  relayNotificationKinds.toStaff,
  relayNotificationKinds.edit,
  psychologistKinds.booked,
  psychologistKinds.staffReminder,
  psychologistKinds.familyCancelled,
];

/**
 * Messages that show no family's data but offer buttons on a request (reminders, alerts, the crisis alert,
 * a digest): taken back while a request of theirs is open, so nothing there still offers to act on one.
 * Those of closed requests stay as they are (their buttons are refused anyway): a person who left after
 * years of alerts is not sent an edit for each.
 */
const whileOpenKinds = [
  deadlineNotificationKinds.reminder,
  deadlineNotificationKinds.alert,
  deadlineNotificationKinds.urgent,
  deadlineNotificationKinds.digest,
];

const openList = sql.join(
  openRequestStatuses.map((status) => sql`${status}`),
  sql`, `,
);

/** A digest whose requests (its payload's `requestIds`) include an open one; false for any other row. */
const digestOfOpenRequest = sql`case when ${notifications.kind} = ${deadlineNotificationKinds.digest}
    and jsonb_typeof(${notifications.payload}->'requestIds') = 'array'
  then exists (
    select 1 from ${requests} d
    where d.id in (select (jsonb_array_elements_text(${notifications.payload}->'requestIds'))::int)
      and d.status in (${openList}))
  else false end`;

const requestCurator = alias(staff, 'request_curator');
/** The booking a psychologist's message is about (its payload's `consultationId`), if any. */
const consultationOfRow = sql`${consultations.id} = (${notifications.payload}->>'consultationId')::int`;

/** The messages in the leaving person's chat to take back (see takeBackFromChat), oldest first. */
async function messagesToTakeBack(tx: DbOrTx, staffId: number) {
  return tx
    .select({
      id: notifications.id,
      status: notifications.status,
      ...retractionTargetColumns,
      aboutFamilyId: sql<
        number | null
      >`coalesce(${notifications.familyId}, ${requests.familyId}, (${notifications.payload}->>'familyId')::int)`,
      kind: notifications.kind,
      requestStatus: requests.status,
      requestCuratorId: requests.curatorId,
      requestCuratorActive: requestCurator.active,
      consultationId: consultations.id,
      consultationCancelReason: consultations.cancelReason,
    })
    .from(notifications)
    .leftJoin(requests, eq(requests.id, notifications.requestId))
    .leftJoin(requestCurator, eq(requestCurator.id, requests.curatorId))
    .leftJoin(consultations, consultationOfRow)
    .where(
      and(
        eq(notifications.recipientStaffId, staffId),
        inArray(notifications.status, ['pending', 'sent']),
        or(
          inArray(notifications.kind, familyDataKinds),
          and(
            inArray(notifications.kind, whileOpenKinds),
            or(inArray(requests.status, [...openRequestStatuses]), digestOfOpenRequest),
          ),
        ),
      ),
    )
    .orderBy(asc(notifications.id));
}

type Row = Awaited<ReturnType<typeof messagesToTakeBack>>[number];

/**
 * A family card or a search result shows the family, whichever request it was opened from: taken back with
 * the family's words («Семья передана другому куратору: …»), not the request's.
 */
const aboutFamily = (row: Row) =>
  row.requestId === null ||
  (row.kind === staffViewKind && ['family_card', 'search'].includes(String(row.payload.what)));

/** A psychologist's message about a booking: named by the booking, cancelled or not by their leaving. */
const aboutBooking = (row: Row): TakeBack => ({
  kind: 'access_ended',
  consultation: { id: Number(row.consultationId), cancelled: row.consultationCancelReason === 'left' },
});

/** The messages of this chat taken back already (a hand-over, an erasure): not edited a second time. */
async function takenBackAlready(tx: DbOrTx, chatId: number): Promise<Set<number>> {
  const rows = await tx
    .select({ messageId: sql<number>`(${notifications.payload}->>'messageId')::int` })
    .from(notifications)
    .where(and(eq(notifications.kind, retractionKind), eq(notifications.chatId, chatId)));
  return new Set(rows.map((row) => Number(row.messageId)));
}

/** A family's district, and its curator now if active (after the hand-over). */
type FamilyNow = { districtId: number; curatorId: number | null };

/** Each family's district and curator now (after the hand-over), for the families of these rows. */
async function familiesOf(tx: DbOrTx, rows: Row[]): Promise<Map<number, FamilyNow>> {
  const ids = [
    ...new Set(rows.flatMap((row) => (row.aboutFamilyId === null ? [] : [Number(row.aboutFamilyId)]))),
  ];
  if (ids.length === 0) return new Map();
  const found = await tx
    .select({
      id: families.id,
      districtId: families.districtId,
      curatorId: families.curatorId,
      active: staff.active,
    })
    .from(families)
    .leftJoin(staff, eq(staff.id, families.curatorId))
    .where(inArray(families.id, ids));
  return new Map(
    found.map((family) => [
      family.id,
      { districtId: family.districtId, curatorId: family.active ? family.curatorId : null },
    ]),
  );
}

/**
 * The leaving person's chat, in the deactivation's transaction: every message showing a family's data
 * (familyDataKinds), and every one offering buttons on an open request (whileOpenKinds), sent or partly shown
 * and withdrawn now, is taken back; its file deleted (within Telegram's 48 hours). What it says:
 * - a psychologist's message about a booking: «Запись № N отменена: … Семье мы сообщили и предложили
 *   записаться снова» when their leaving cancelled it (cancelBookingsOnDeparture, earlier in the same
 *   transaction), else «Запись № N: ваша учётная запись сотрудника отключена, сведения о семье убраны…»;
 * - a curator's message about an open request that was theirs (`theirs.requestIds`: handed on by this
 *   deactivation; or still theirs, nobody could take it): «Заявка № N передана другому куратору: …» when it
 *   has an active curator now, else «… передана руководителю района» (or «региональному руководителю» when
 *   the district has no supervisor, routing's supervisorsFor; «руководителю» when there is none at all);
 * - a curator's message about a family that was theirs (`theirs.familyIds`: its curator when they left): «Семья
 *   передана другому куратору: …», or to the supervisors as above when the family has no curator now;
 * - anything else — a closed request's card, an alert about a request that was never theirs (the on-call
 *   curator's crisis alert), a family's message they got as a deputy of a family never theirs, everything a
 *   supervisor (or any other role) was sent — «Заявка № N: ваша учётная запись сотрудника отключена,
 *   сведения убраны. Спасибо за вашу работу!» (a family's: without the request).
 * A message taken back already in this chat is not edited again. The pending rows were locked by
 * deactivateStaff before any family or request row; the sent ones no send changes. Many messages (a
 * curator's hundreds of closed requests) go one edit at a time through the chat's lane, at the chat's pace.
 */
export async function takeBackFromChat(
  tx: DbOrTx,
  member: { id: number; role: string; telegramId: number },
  now: Date,
  theirs: { requestIds: ReadonlySet<number>; familyIds: ReadonlySet<number> },
): Promise<number[]> {
  const already = await takenBackAlready(tx, member.telegramId);
  const rows = (await messagesToTakeBack(tx, member.id)).filter(
    (row) => row.status !== 'sent' || row.telegramMessageId === null || !already.has(row.telegramMessageId),
  );
  if (rows.length === 0) return [];
  const curator = member.role === 'curator';
  const familiesNow = curator ? await familiesOf(tx, rows) : new Map<number, FamilyNow>();
  const levels = new Map<number, SupervisorsLevel | undefined>();
  for (const family of familiesNow.values()) {
    if (!levels.has(family.districtId))
      levels.set(family.districtId, await supervisorsLevelFor(tx, family.districtId, now));
  }
  const toSupervisors = (familyId: number | null): TakeBack => {
    const family = familyId === null ? undefined : familiesNow.get(Number(familyId));
    return {
      kind: 'handed_over',
      supervisors: family && levels.get(family.districtId),
      left: true,
    };
  };
  const reasonOf = (row: Row): TakeBack => {
    if (row.consultationId !== null) return aboutBooking(row);
    if (!curator) return { kind: 'access_ended' };
    if (!aboutFamily(row) && row.requestStatus !== null) {
      if (!(openRequestStatuses as readonly string[]).includes(row.requestStatus))
        return { kind: 'access_ended' };
      // Never theirs (an on-call curator's crisis alert): nothing was handed on from them.
      if (row.requestCuratorId !== member.id && !theirs.requestIds.has(Number(row.requestId)))
        return { kind: 'access_ended' };
      return row.requestCuratorActive && row.requestCuratorId !== member.id && row.requestCuratorId !== null
        ? { kind: 'handed_over', toStaffId: row.requestCuratorId, left: true }
        : toSupervisors(row.aboutFamilyId);
    }
    const family = row.aboutFamilyId === null ? undefined : familiesNow.get(Number(row.aboutFamilyId));
    // Never theirs (a family's message to them as a deputy): nothing was handed on from them.
    if (!family || !theirs.familyIds.has(Number(row.aboutFamilyId))) return { kind: 'access_ended' };
    return family.curatorId !== null && family.curatorId !== member.id
      ? { kind: 'handed_over', toStaffId: family.curatorId, left: true }
      : toSupervisors(row.aboutFamilyId);
  };
  return withdrawAndTakeBack(
    tx,
    rows.map((row) => (aboutFamily(row) ? { ...row, requestId: null } : row)),
    reasonOf,
  );
}
