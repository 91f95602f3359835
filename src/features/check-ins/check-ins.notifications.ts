import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client.js';
import { checkIns, familyMembers } from '../../db/schema/index.js';
import type { FeatureNotifications, Notification, RenderDeps } from '../delivery/index.js';
import { answersKeyboard, callTaskKeyboard } from './check-ins.keyboards.js';
import { createCheckInsRepository } from './check-ins.repository.js';
import { checkInKinds } from './check-ins.schemas.js';

const payloadSchema = z.object({ checkInId: z.number().int().positive() });

/** «Как у вас дела?» in the member's language; withdrawn if the family answered from another phone. */
async function renderAsk(deps: RenderDeps, notification: Notification, checkInId: number) {
  if (notification.recipientMemberId === null) return undefined;
  const [member] = await deps.db
    .select({ language: familyMembers.language })
    .from(familyMembers)
    .where(and(eq(familyMembers.id, notification.recipientMemberId), isNull(familyMembers.erasedAt)));
  if (!member) return undefined;
  const t = deps.i18n.forLanguage(member.language);
  return {
    text: t('ci-ask'),
    replyMarkup: answersKeyboard(t, checkInId),
    stillWanted: async (tx: DbOrTx) => {
      const [row] = await tx
        .select({ answer: checkIns.answer })
        .from(checkIns)
        .where(eq(checkIns.id, checkInId));
      return row !== undefined && row.answer === null;
    },
  };
}

/** A call task: who to call and the phone, with «Записать итог звонка». */
async function renderCallTask(deps: RenderDeps, notification: Notification, checkInId: number) {
  if (notification.familyId === null) return undefined;
  const contact = await createCheckInsRepository({ db: deps.db }).callContact(notification.familyId);
  if (!contact) return undefined;
  const t = deps.i18n.forLanguage('ru');
  const key = notification.kind === checkInKinds.callMe ? 'ci-call-task' : 'ci-silent-task';
  const text = t(key, { name: contact.name ?? '—', phone: contact.phone ?? t('ci-no-phone') });
  return { text, replyMarkup: callTaskKeyboard(t, checkInId) };
}

async function renderCheckIn(deps: RenderDeps, notification: Notification) {
  const { checkInId } = payloadSchema.parse(notification.payload);
  return notification.kind === checkInKinds.ask
    ? renderAsk(deps, notification, checkInId)
    : renderCallTask(deps, notification, checkInId);
}

/**
 * Check-ins go in the last class of the send budget ('bulk'): a curator's card, a relayed message or a
 * dialogue's answer never waits behind them. Call tasks are ordinary notices.
 */
export const checkInNotifications: FeatureNotifications = {
  kinds: Object.values(checkInKinds),
  render: renderCheckIn,
  sendClasses: { [checkInKinds.ask]: 'bulk' },
};
