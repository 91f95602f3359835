import { describe, expect, it } from 'vitest';
import { curatorsWithAFamilyEach } from '../helpers/bulk-delivery.js';
import { useE2E } from '../helpers/e2e.js';
import { eventually } from '../helpers/pipeline.js';
import { createConfirmedRequestsInBulk, notificationStatusCounts } from '../helpers/routing-factories.js';

const CURATORS = 3;
const CARDS = 30;
/** Longer than a delivery job's backoff (2 + 4 s): without waiting for the database, its attempts run out. */
const OUTAGE_MS = Number(process.env.OUTAGE_MS ?? 30_000);
/** The periodic passes are pushed out of the test's reach: only what happens on reconnection can deliver. */
const HOUR = 3_600_000;

/**
 * Cards are being delivered (one a second per curator's chat) when the workers and the relay lose
 * PostgreSQL (they reach it through a proxy the test cuts) for longer than a delivery job's retries last.
 * When it answers again every card reaches its curator, with the reconciler's periodic pass an hour away:
 * the jobs that met the outage waited for the database instead of giving up, and the relay queued what
 * piled up as soon as it was back. Prints how long after the database was back the last card arrived.
 */
describe('cards being delivered when PostgreSQL goes away', () => {
  // The relay and the worker reach PostgreSQL and Redis through proxies the test cuts.
  const e2e = useE2E({
    bot: false,
    limits: { global: 30, perChat: 1 },
    pipeline: { reconcileIntervalMs: HOUR, extra: { relayPollIntervalMs: HOUR } },
    outage: { postgres: 'pipeline', redis: 'pipeline' },
  });

  /** What is left to send, with enough to tell why (kind, attempts, last error). */
  const pendingNotifications = () =>
    e2e.sql<{ id: number; kind: string; attempts: number; lastError: string | null }[]>`
      select id::int, kind, attempts, last_error as "lastError" from notifications
      where status = 'pending' order by id`.then((rows) => rows.map((row) => ({ ...row })));

  it('Redis back: requests confirmed while it was away reach their curators without waiting for a pass', async () => {
    const { chats, familyIds } = await curatorsWithAFamilyEach(e2e.db, e2e.emulator, 'krasnoe', 2);
    await e2e.outage.redis!.cut();
    // Committed in PostgreSQL; the relay is woken by NOTIFY but cannot queue them.
    const created = await createConfirmedRequestsInBulk(e2e.db, familyIds, 4);
    await eventually(
      async () => (await e2e.sql`select count(*)::int as n from outbox where status = 'pending'`)[0]!.n >= 4,
      10_000,
      'the outbox rows waiting',
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await e2e.outage.redis!.restore();
    const backAt = Date.now();
    const cardsOf = (chat: number) =>
      e2e.emulator.messages(chat, { from: 'bot' }).map((message) => /№ \d+/.exec(message.text ?? '')?.[0]);
    const all = await eventually(
      async () =>
        created.every((request, index) =>
          cardsOf(chats[index % chats.length]!).includes(`№ ${request.number}`),
        ),
      60_000,
      'every card after Redis is back',
    ).catch(() => false);
    console.info(JSON.stringify({ redisBackToCardsSeconds: Math.round((Date.now() - backAt) / 100) / 10 }));
    expect(all).toBe(true);
  }, 120_000);

  it('PostgreSQL back: every card reaches its curator without waiting for the periodic pass', async () => {
    const { chats, familyIds } = await curatorsWithAFamilyEach(e2e.db, e2e.emulator, 'gryazi', CURATORS);
    const created = await createConfirmedRequestsInBulk(e2e.db, familyIds, CARDS);
    const cardsIn = (chat: number) =>
      e2e.emulator.messages(chat, { from: 'bot' }).filter((message) => /№ \d+/.test(message.text ?? ''));
    const arrived = () => chats.reduce((sum, chat) => sum + cardsIn(chat).length, 0);
    const missing = () =>
      created.filter(
        (request, index) =>
          !cardsIn(chats[index % CURATORS]!).some((message) => message.text?.includes(`№ ${request.number}`)),
      );
    await eventually(async () => arrived() >= CURATORS, 60_000, 'the first cards');

    await e2e.outage.postgres!.cut();
    const atCut = arrived();
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    await e2e.outage.postgres!.restore();
    const backAt = Date.now();

    const everyCard = await eventually(
      async () => missing().length === 0,
      60_000,
      'every card at its curator',
    ).catch(() => false);
    const secondsFromBackToLastCard = Math.round((Date.now() - backAt) / 100) / 10;
    // A card is in the chat a moment before its `sent` mark commits (the mark is written after the send, in
    // the same transaction): the last one's row may still read `pending` here. Wait for the rows themselves.
    const pendingAtLastCard = await pendingNotifications();
    await eventually(
      async () => (await pendingNotifications()).length === 0,
      10_000,
      'no notification pending',
    ).catch(() => undefined);
    const stillPending = await pendingNotifications();
    console.info(
      JSON.stringify({
        cards: CARDS,
        atCut,
        outageSeconds: OUTAGE_MS / 1000,
        missing: missing().length,
        secondsFromBackToLastCard,
        pendingAtLastCard: pendingAtLastCard.length,
        stillPending,
      }),
    );
    // Each curator has each of their cards; a card whose send was in flight at the cut may come twice.
    expect(everyCard).toBe(true);
    expect(missing()).toEqual([]);
    expect(arrived()).toBeLessThanOrEqual(CARDS + CURATORS);
    // Every notification of both outages is sent: none pending, none given up.
    expect(stillPending).toEqual([]);
    expect(await notificationStatusCounts(e2e.db)).toEqual({ sent: CARDS + 4 });
    expect(e2e.outage.unexpectedRejections).toEqual([]);
  }, 180_000);
});
