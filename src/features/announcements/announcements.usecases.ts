import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import { announcements, familyMembers, notifications } from '../../db/schema/index.js';
import { writeOutbox } from '../../queue/outbox.js';
import { regionDate } from '../../time.js';
import { staffByTelegramId } from '../access/index.js';
import { insertNotifications } from '../delivery/index.js';
import { type Audience, audienceRecipients, audienceSchema, audienceSize } from './announcements.audience.js';

/** Notification kinds of announcements: each recipient's copy (lowest send class), the sender's progress. */
export const announcementKinds = {
  copy: 'announcement',
  progress: 'announcement_progress',
  report: 'announcement_report',
} as const;

/** An announcement's text: short, so that it fits a photo's caption with the line on how to turn them off. */
export const ANNOUNCEMENT_MAX_LENGTH = 900;

export interface AnnouncementContent {
  text: string;
  file?: { kind: 'photo' | 'document'; fileId: string };
  /** A support measure's code: «Хочу оформить» under the announcement opens its request. */
  measureCode?: string;
}

export type SenderCheck =
  | { ok: true; staffId: number; regional: boolean; districtIds: number[] }
  | { ok: false; reason: 'not_supervisor' | 'out_of_scope' };

/**
 * Who may announce to whom, checked on the server against the current state: an active supervisor, to their
 * districts; a regional one, to any district or the whole region (no districts given).
 */
export async function checkSender(
  db: DbOrTx,
  telegramId: number,
  districtIds?: number[],
): Promise<SenderCheck> {
  const sender = await staffByTelegramId(db, telegramId);
  if (!sender?.active || sender.role !== 'supervisor') return { ok: false, reason: 'not_supervisor' };
  const own = {
    ok: true,
    staffId: sender.id,
    regional: sender.regional,
    districtIds: sender.districtIds,
  } as const;
  if (sender.regional || districtIds === undefined) return own;
  if (districtIds.length === 0 || districtIds.some((id) => !sender.districtIds.includes(id)))
    return { ok: false, reason: 'out_of_scope' };
  return own;
}

/** How many families and people an audience reaches now (the count shown before confirming). */
export async function countAudience(deps: { db: Db; timeZone: string; now?: Date }, audience: Audience) {
  const today = regionDate(deps.now ?? new Date(), deps.timeZone);
  return audienceSize(await audienceRecipients(deps.db, audienceSchema.parse(audience), today));
}

export type CreatedAnnouncement =
  | { ok: true; announcementId: number; families: number; people: number }
  | { ok: false; reason: 'not_supervisor' | 'out_of_scope' | 'empty' };

/**
 * Makes an announcement: its row and one `notifications` row per recipient (so delivery resumes it after a
 * crash or a Redis wipe, each recipient once), and an `announcement_created` outbox event that puts them in
 * their lanes. The sender is checked again here (`senderTelegramId`); an admin's has none.
 */
export async function createAnnouncement(
  deps: { db: Db; timeZone: string; now?: Date },
  input: {
    senderTelegramId?: number;
    content: AnnouncementContent;
    audience: Audience;
    paidBroadcast: boolean;
    progress?: { chatId: number; messageId: number };
  },
): Promise<CreatedAnnouncement> {
  const audience = audienceSchema.parse(input.audience);
  const text = input.content.text.trim().slice(0, ANNOUNCEMENT_MAX_LENGTH);
  const today = regionDate(deps.now ?? new Date(), deps.timeZone);
  return deps.db.transaction(async (tx) => {
    let authorStaffId: number | null = null;
    if (input.senderTelegramId !== undefined) {
      const sender = await checkSender(tx, input.senderTelegramId, audience.districtIds);
      if (!sender.ok) return sender;
      authorStaffId = sender.staffId;
    }
    const recipients = await audienceRecipients(tx, audience, today);
    if (recipients.length === 0) return { ok: false, reason: 'empty' } as const;
    const [row] = await tx
      .insert(announcements)
      .values({
        authorStaffId,
        text,
        fileKind: input.content.file?.kind ?? null,
        fileId: input.content.file?.fileId ?? null,
        measureCode: input.content.measureCode ?? null,
        audience,
        recipients: recipients.length,
        paidBroadcast: input.paidBroadcast,
        progressChatId: input.progress?.chatId ?? null,
        progressMessageId: input.progress?.messageId ?? null,
      })
      .returning({ id: announcements.id });
    const announcementId = row!.id;
    for (let start = 0; start < recipients.length; start += 1000) {
      await insertNotifications(
        tx,
        recipients.slice(start, start + 1000).map((recipient) => ({
          kind: announcementKinds.copy,
          dedupeKey: `announcement:${announcementId}:member:${recipient.memberId}`,
          recipientMemberId: recipient.memberId,
          familyId: recipient.familyId,
          chatId: recipient.chatId,
          payload: { announcementId },
        })),
      );
    }
    await writeOutbox(tx, { kind: 'announcement_created', payload: { announcementId } });
    return { ok: true, announcementId, ...audienceSize(recipients) } as const;
  });
}

/** The recipients still to be sent (what `announcement_created` puts in the lanes). */
export async function pendingRecipients(db: DbOrTx, announcementId: number): Promise<number[]> {
  const rows = await db
    .select({ id: notifications.id })
    .from(notifications)
    .where(
      and(
        eq(notifications.kind, announcementKinds.copy),
        sql`(${notifications.payload}->>'announcementId')::int = ${announcementId}`,
        eq(notifications.status, 'pending'),
      ),
    );
  return rows.map((row) => row.id);
}

export interface AnnouncementProgress {
  total: number;
  sent: number;
  blocked: number;
  failed: number;
  left: number;
}

/** Where an announcement's delivery is: sent, blocked the bot, failed otherwise (or withdrawn), left. */
export async function announcementProgress(
  db: DbOrTx,
  announcementId: number,
): Promise<AnnouncementProgress> {
  const rows = await db.execute<{ status: string; count: number }>(sql`
    select status, count(*)::int as count from ${notifications}
    where kind = ${announcementKinds.copy} and (payload->>'announcementId')::int = ${announcementId}
    group by status`);
  const of = (status: string) => Number(rows.find((row) => row.status === status)?.count ?? 0);
  const sent = of('sent');
  const blocked = of('unreachable');
  const failed = of('failed');
  const left = of('pending');
  return { total: sent + blocked + failed + left, sent, blocked, failed, left };
}

/** The member still wants announcements when their copy's turn comes (not erased, not turned off). */
export async function stillWantsAnnouncements(db: DbOrTx, memberId: number | null): Promise<boolean> {
  if (memberId === null) return false;
  const [member] = await db
    .select({ id: familyMembers.id })
    .from(familyMembers)
    .where(
      and(
        eq(familyMembers.id, memberId),
        isNull(familyMembers.erasedAt),
        eq(familyMembers.announcementsOff, false),
      ),
    );
  return member !== undefined;
}

/** «Настройки» → announcements on or off for this member. */
export async function setAnnouncementsOff(
  db: DbOrTx,
  owner: { familyId: number; memberId: number },
  off: boolean,
) {
  await db
    .update(familyMembers)
    .set({ announcementsOff: off })
    .where(and(eq(familyMembers.id, owner.memberId), eq(familyMembers.familyId, owner.familyId)));
}

/** Whether this member has announcements off (what «Настройки» shows). */
export async function announcementsOffFor(db: DbOrTx, memberId: number): Promise<boolean> {
  const [member] = await db
    .select({ off: familyMembers.announcementsOff })
    .from(familyMembers)
    .where(eq(familyMembers.id, memberId));
  return member?.off ?? false;
}
