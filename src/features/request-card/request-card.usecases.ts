import type { DbOrTx } from '../../db/client.js';
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
