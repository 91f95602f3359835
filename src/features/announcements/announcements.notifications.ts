import { eq } from 'drizzle-orm';
import { InlineKeyboard } from 'grammy';
import { announcements, familyMembers } from '../../db/schema/index.js';
import type { Translate } from '../../i18n.js';
import type {
  FeatureNotifications,
  Notification,
  NotificationContent,
  RenderDeps,
} from '../delivery/index.js';
import { measureCallback } from '../support-measures/index.js';
import {
  type AnnouncementProgress,
  announcementKinds,
  announcementProgress,
  stillWantsAnnouncements,
} from './announcements.usecases.js';

async function announcementOf(deps: RenderDeps, notification: Notification) {
  const id = notification.payload.announcementId;
  if (typeof id !== 'number') return undefined;
  const [row] = await deps.db.select().from(announcements).where(eq(announcements.id, id));
  return row;
}

/** A family's copy: the text (a file's caption when there is a file) and how to turn announcements off. */
async function renderCopy(
  deps: RenderDeps,
  notification: Notification,
): Promise<NotificationContent | undefined> {
  const announcement = await announcementOf(deps, notification);
  if (!announcement || notification.recipientMemberId === null) return undefined;
  const [member] = await deps.db
    .select({ language: familyMembers.language })
    .from(familyMembers)
    .where(eq(familyMembers.id, notification.recipientMemberId));
  const t = deps.i18n.forLanguage(member?.language ?? 'ru');
  const text = `${announcement.text}\n\n${t('ann-footer')}`;
  const paid = announcement.paidBroadcast ? { allowPaidBroadcast: true } : {};
  // «Хочу оформить»: support-measures' own button, which opens the request of the measure's category.
  const button = announcement.measureCode
    ? {
        replyMarkup: new InlineKeyboard().text(
          t('sm-start-request'),
          measureCallback.startRequest(announcement.measureCode),
        ),
      }
    : {};
  const memberId = notification.recipientMemberId;
  return {
    text,
    outgoing:
      announcement.fileKind && announcement.fileId
        ? {
            type: 'file',
            kind: announcement.fileKind,
            fileId: announcement.fileId,
            caption: text,
            ...paid,
            ...button,
          }
        : { type: 'text', parts: [text], ...paid, ...button },
    // Turned off (or data deleted) after the announcement was made: withdrawn unsent.
    stillWanted: (tx) => stillWantsAnnouncements(tx, memberId),
  };
}

/** The sender's progress line: sent / blocked the bot / left, and the failed ones when there are any. */
export function progressText(t: Translate, progress: AnnouncementProgress, done: boolean) {
  return t(done ? 'ann-progress-done' : 'ann-progress', {
    total: progress.total,
    sent: progress.sent,
    blocked: progress.blocked,
    failed: progress.failed,
    left: progress.left,
  });
}

async function renderProgress(
  deps: RenderDeps,
  notification: Notification,
): Promise<NotificationContent | undefined> {
  const announcement = await announcementOf(deps, notification);
  if (!announcement?.progressMessageId) return undefined;
  const t = deps.i18n.forLanguage('ru');
  const progress = await announcementProgress(deps.db, announcement.id);
  const done = notification.kind === announcementKinds.report;
  const text = progressText(t, progress, done || progress.left === 0);
  if (done) return { text: t('ann-report', { id: announcement.id, summary: text }) };
  return {
    text,
    outgoing: {
      type: 'edit',
      messageId: announcement.progressMessageId,
      field: 'text',
      value: text,
      correction: text,
    },
  };
}

/** What delivery sends for announcements: the copies in the lowest send class, behind everything else. */
export const announcementNotifications: FeatureNotifications = {
  kinds: Object.values(announcementKinds),
  render: (deps, notification) =>
    notification.kind === announcementKinds.copy
      ? renderCopy(deps, notification)
      : renderProgress(deps, notification),
  sendClasses: { [announcementKinds.copy]: 'bulk' },
};
