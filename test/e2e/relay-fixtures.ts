import { asc, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { messages, notifications, requestEvents, requests } from '../../src/db/schema/index.js';
import type { StoredMessage } from '../../src/sandbox/emulator/types.js';
import type { E2EWorld } from '../helpers/e2e.js';
import { eventually } from '../helpers/pipeline.js';
import { routedRequest } from '../helpers/routed-request.js';

/** Shared steps of the relay tests (test/e2e/relay-*.test.ts). */

/**
 * How long a relay test waits for a copy before it calls it lost. Each chat takes about one message a second
 * (Telegram's pace, enforced by the emulator), so six copies to one chat need 6 s quiet; CI machines with two
 * cores run several test files at once, hence the margin.
 */
export const WAIT = 30_000;
export const body = (m: StoredMessage) => m.text ?? m.caption ?? '';
export const buttonsOf = (m: StoredMessage) =>
  m.reply_markup?.inline_keyboard.flat().map((b) => b.text) ?? [];

/**
 * A gryazi family with a chat, its curator with a chat, and a request routed to the curator and taken by
 * them: the card (with its work buttons) and both chats read up to the family's «taken» notice.
 */
export async function takenRequest(bot: E2EWorld, curatorName = 'Анна Петрова') {
  const { district, curatorUser, curator, familyUser, family, member, request, card } = await routedRequest(
    bot,
    { curatorName },
  );
  const edited = bot.emulator.waitForEdit(curatorUser.id, card.message_id, WAIT);
  bot.emulator.pressButtonByText(curatorUser.id, card.message_id, 'Взять в работу');
  const takenCard = await edited;
  await bot.emulator.waitForMessage(familyUser.id, (m) => body(m).includes('взяли в работу'), WAIT);
  return {
    C: curatorUser.id,
    F: familyUser.id,
    curator,
    family,
    member,
    request,
    card: takenCard,
    district,
    toCurator: (contains: string) =>
      bot.emulator.waitForMessage(curatorUser.id, (m) => body(m).includes(contains), WAIT),
    toFamily: (contains: string) =>
      bot.emulator.waitForMessage(familyUser.id, (m) => body(m).includes(contains), WAIT),
  };
}

/** Waits until delivery has sent (or given up on) every notification: copies' ids are then recorded. */
export function delivered(bot: E2EWorld) {
  return eventually(
    async () =>
      (await bot.db.select().from(notifications).where(eq(notifications.status, 'pending'))).length === 0,
    WAIT,
    'every notification handled',
  );
}

export async function messagesOf(bot: E2EWorld, requestId: number) {
  return bot.db.select().from(messages).where(eq(messages.requestId, requestId)).orderBy(asc(messages.id));
}

export async function eventsOf(bot: E2EWorld, requestId: number) {
  return bot.db
    .select()
    .from(requestEvents)
    .where(eq(requestEvents.requestId, requestId))
    .orderBy(asc(requestEvents.id));
}

export async function statusOf(bot: E2EWorld, requestId: number) {
  const [row] = await bot.db
    .select({ status: requests.status })
    .from(requests)
    .where(eq(requests.id, requestId));
  return row?.status;
}

/** The answer to a button press, once the bot has given it. */
export async function answerTo(bot: E2EWorld, callbackQueryId: string | undefined) {
  const answer = await bot.answerTo(callbackQueryId, WAIT);
  expect(answer).toBeDefined();
  return answer;
}
