import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialogueDrafts } from '../../src/db/schema/index.js';
import { type E2E, startE2E } from '../helpers/e2e.js';
import { createCuratorInDistrict, createRegisteredFamily } from '../helpers/factories.js';
import { type FamilyChat, familyChat } from '../helpers/family-dialogue.js';
import { eventually } from '../helpers/pipeline.js';
import { describeTrips, watchPostgresQueries, watchRedisRoundTrips } from '../helpers/round-trips.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

/**
 * What one answer in a dialogue costs the stores: the Redis round trips and the PostgreSQL queries the bot
 * makes for it, counted on the wire (every Redis command this process sends, grouped as ioredis writes
 * them; every query through a proxy in front of PostgreSQL). A family answers mid-way through the request
 * dialogue, with a button and with typed text.
 */
let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
let bot: E2E;
const postgres = watchPostgresQueries();
const redis = watchRedisRoundTrips();

beforeAll(async () => {
  proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 }, postgres.tap);
  const proxied = new URL(process.env.DATABASE_URL!);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxy.port);
  bot = await startE2E({ pipeline: false, botEnv: { DATABASE_URL: proxied.toString() } });
});
afterAll(async () => {
  await bot?.stop();
  await proxy?.close();
  redis.restore();
});

/**
 * What the bot sent to the stores for one step: from sending it until the bot is done with it (`done`: the
 * step's own sign of that, where the pipeline is not there to take what it wrote and settle).
 */
async function costOf(
  chat: FamilyChat,
  step: () => Promise<unknown>,
  done: () => Promise<unknown> = () => bot.settled(),
) {
  const prefix = bot.config.redisPrefix;
  const id = String(chat.userId);
  const ofThisChat = ({ args }: { args: string[] }) =>
    args.some(
      (arg) =>
        arg === id || arg.endsWith(`:${id}`) || arg.includes(`:${id}:`) || arg.startsWith(`${prefix}:upd:`),
    );
  // The send budget's own round trips (telegram/send-slots.ts) come with each message, not with the update.
  const ofASend = ({ args }: { args: string[] }) => args.some((arg) => arg.startsWith(`${prefix}:tg:`));
  const redisMark = redis.mark();
  const postgresMark = postgres.mark();
  await step();
  await done();
  const trips = redis.since(redisMark, ofThisChat).filter((trip) => !trip.some(ofASend));
  // A connection the pool opens on the way asks for the array types once (postgres.js): not the update's.
  const queries = postgres.since(postgresMark).filter((query) => !query.includes('pg_catalog.pg_type'));
  return { redis: describeTrips(trips), postgres: queries };
}

// The sender: the member and their latest dialogue draft, in one query (onboarding.repository.ts findSender).
const memberLookup = expect.stringMatching(/^\s*select m\.id as member_id, .* from dialogue_drafts/s);

describe('one answer in a dialogue', () => {
  it('costs three Redis commands besides its sends, each a script by EVALSHA, and one PostgreSQL lookup besides its checkpoint', async () => {
    const curatorId = (await createCuratorInDistrict(bot.db, { fullName: 'Анна Петрова' })).id;
    const user = bot.emulator.createUser({ first_name: 'Мария', language_code: 'ru' });
    await createRegisteredFamily(bot.db, { telegramId: user.id, curatorId, children: [] });
    const chat = familyChat(bot.emulator, user.id);
    // Outside any dialogue, with no draft: the sender's lookup is all (no draft erased or looked for).
    const menu = await costOf(chat, () => chat.say('/menu', 'Главное меню'));
    expect(menu.postgres).toEqual([memberLookup]);
    bot.emulator.pressReplyButton(user.id, 'Нужна помощь');
    await chat.next('С чем нужна помощь');
    // The category: the passport read once, and the category, the passport, the request's key and its
    // progress kept in one checkpoint (was four).
    const category = await costOf(chat, () => chat.press('Помощь психолога', 'Как срочно'));
    const checkpoints = (queries: string[]) =>
      queries.filter((query) => query.startsWith('insert into "dialogue_drafts"')).length;
    expect(checkpoints(category.postgres)).toBe(1);
    // The passport (the address and the household) in one query (was two: the family, the household).
    expect(category.postgres.filter((query) => /from "(families|household_members)"/.test(query))).toEqual([
      expect.stringMatching(/^\s*select f\.address, .*from "household_members" h .*from "families" f/s),
    ]);

    const press = await costOf(chat, () => chat.press('Можно в ближайшие дни', 'Для кого нужна помощь'));
    await chat.press('Для меня', 'Как удобнее');
    await chat.press('По телефону', 'Когда вам удобно');
    await bot.settled();
    const text = await costOf(chat, () => chat.say('В будни после 18:00', 'добавить для куратора'));

    // The flood count and whether the chat is busy; the update's claim with the chat's turn and the
    // dialogue's state; its new state written with the turn handed on (and whether anything waits behind it),
    // one script. Before: EVAL · SET · SET · GET · MULTI SET ZADD EXEC · EVAL · EXISTS; then a GET of its own
    // for the state; then the last as a transaction, MULTI SET ZADD EVALSHA EXEC.
    const expected = 'EVALSHA · EVALSHA · EVALSHA';
    expect(press.redis).toBe(expected);
    expect(text.redis).toBe(expected);
    // The member, looked up once for the update; the answer's checkpoint (dialogue drafts).
    const checkpoint = expect.stringMatching(/^insert into "dialogue_drafts"/);
    expect(press.postgres).toEqual([memberLookup, checkpoint]);
    expect(text.postgres).toEqual([memberLookup, checkpoint]);

    // «Отправить»: the request saved in one transaction of one statement under the family's submission lock
    // — the family read, the key looked for, the request, its event, its outbox row and its NOTIFY (were a
    // statement each) — then the dialogue's draft erased, its last statement.
    await chat.press('Пропустить', 'документы или фото');
    await chat.press('Пропустить', 'Всё верно?');
    await bot.settled();
    const draftGone = () =>
      eventually(
        async () =>
          (await bot.db.select().from(dialogueDrafts).where(eq(dialogueDrafts.telegramId, user.id)))
            .length === 0,
        10_000,
        'the draft erased',
      );
    const send = await costOf(chat, () => chat.press('✅ Отправить куратору', 'принята'), draftGone);
    expect(send.postgres).toEqual([
      memberLookup,
      expect.stringMatching(/^begin\s*$/),
      expect.stringMatching(/^select pg_advisory_xact_lock/),
      expect.stringMatching(
        /^\s*with family as .*insert into "requests" .*insert into "request_events" .*insert into "outbox" .*pg_notify/s,
      ),
      'commit',
      expect.stringMatching(/^delete from "dialogue_drafts"/),
    ]);
  });
});
