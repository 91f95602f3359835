import type { Db } from '../../db/client.js';
import type { Translate } from '../../i18n.js';

/** One more button a feature puts under the curator's card (decided per request, from the database). */
export type CuratorCardButton = (
  deps: { db: Db },
  t: Translate,
  requestId: number,
) => Promise<{ text: string; data: string } | undefined>;

const cardButtons: CuratorCardButton[] = [];

/**
 * A port for features the curator feature cannot import (psychologists imports routing, which imports
 * curator): they register their card button at composition (src/roles/bot-features.ts).
 */
export function registerCuratorCardButton(button: CuratorCardButton) {
  if (!cardButtons.includes(button)) cardButtons.push(button);
}

/** The registered buttons that apply to this request. */
export async function extraCardButtons(deps: { db: Db }, t: Translate, requestId: number) {
  const buttons = await Promise.all(cardButtons.map((button) => button(deps, t, requestId)));
  return buttons.filter((button) => button !== undefined);
}
