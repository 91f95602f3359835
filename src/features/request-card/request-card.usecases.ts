import type { Db, DbOrTx } from '../../db/client.js';
import type { Translate } from '../../i18n.js';
import { type CardFrame, renderRequestCard } from './request-card.render.js';
import { createRequestCardRepository } from './request-card.repository.js';

/**
 * The request card as staff read it now, within Telegram's limit (see request-card.render.ts). `shortened`:
 * long answers were shortened, so the card needs «Показать полностью» (withFullDetailsButton).
 */
export async function requestCardText(
  deps: { db: DbOrTx; t: Translate; timeZone: string },
  requestId: number,
  frame: CardFrame = {},
  options: { filesFollow?: boolean } = {},
) {
  const card = await createRequestCardRepository({ db: deps.db }).findCard(requestId);
  if (!card) return undefined;
  const { text, shortened } = renderRequestCard(deps.t, deps.timeZone, card, frame, options);
  return { text, shortened, status: card.status, number: card.number };
}

/**
 * A request card the bot showed a staff member in answer to a command or a button (/my, /overdue), not
 * through delivery. Recorded as an already-sent notification so a Telegram reply to it threads to its
 * request like a reply to a delivered card; never sent or rendered.
 */
export const shownCardKind = 'request_card_shown';

/** The family's latest requests, for the family card's request blocks. */
export function latestRequestsOfFamily(db: DbOrTx, familyId: number) {
  return createRequestCardRepository({ db }).latestOfFamily(familyId);
}

/** Records in the audit log that a staff member read a request's answers in full. */
export function recordDetailsView(
  db: DbOrTx,
  view: { staffId: number; familyId: number; requestId: number; now: Date },
) {
  return createRequestCardRepository({ db }).recordDetailsView(view);
}

/** Remembers a card shown in a staff chat outside delivery, so replying to it reaches the family. */
export async function recordShownCard(
  db: Db,
  card: { requestId: number; staffId: number; chatId: number; telegramMessageId: number },
) {
  await createRequestCardRepository({ db }).recordShownCard(shownCardKind, card);
}
