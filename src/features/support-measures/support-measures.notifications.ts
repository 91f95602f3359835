import { eq } from 'drizzle-orm';
import { InlineKeyboard } from 'grammy';
import { z } from 'zod';
import { familyMembers } from '../../db/schema/index.js';
import type { FeatureNotifications, Notification, RenderDeps } from '../delivery/index.js';
import { measureCallback } from './support-measures.keyboards.js';
import { offerText } from './support-measures.render.js';
import { listMeasures, measureOfferKind } from './support-measures.usecases.js';

const offerPayload = z.object({ codes: z.array(z.string()).min(1) });

/** «Вам теперь положено», rendered when sent: the measures still in the catalogue, in the member's language. */
async function renderOffer(deps: RenderDeps, notification: Notification) {
  if (notification.recipientMemberId === null) return undefined;
  const { codes } = offerPayload.parse(notification.payload);
  const [member] = await deps.db
    .select({ language: familyMembers.language, erasedAt: familyMembers.erasedAt })
    .from(familyMembers)
    .where(eq(familyMembers.id, notification.recipientMemberId));
  const offered = (await listMeasures(deps.db)).filter((measure) => codes.includes(measure.code));
  if (!member || member.erasedAt || offered.length === 0) return undefined;
  const t = deps.i18n.forLanguage(member.language);
  const keyboard = new InlineKeyboard();
  for (const measure of offered) keyboard.text(measure.title, measureCallback.measure(measure.code)).row();
  return {
    text: offerText(
      t,
      offered.map((measure) => measure.title),
    ),
    replyMarkup: keyboard,
  };
}

/** Offers go last in the send budget: a curator's card or a family's answer never waits for them. */
export const supportMeasuresNotifications: FeatureNotifications = {
  kinds: [measureOfferKind],
  render: renderOffer,
  sendClasses: { [measureOfferKind]: 'bulk' },
};
