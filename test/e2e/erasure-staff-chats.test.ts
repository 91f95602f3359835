import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { messages, notifications, requests } from '../../src/db/schema/index.js';
import { retractionKind } from '../../src/features/delivery/retraction.js';
import { createRelayModes } from '../../src/features/relay/relay.mode.js';
import type { StoredMessage } from '../../src/sandbox/emulator/types.js';
import { useE2E } from '../helpers/e2e.js';
import { familyChat } from '../helpers/family-dialogue.js';
import { eventually } from '../helpers/pipeline.js';
import { routedRequest } from '../helpers/routed-request.js';
import { createStaffMember, districtByCode } from '../helpers/routing-factories.js';

/**
 * Issue 13 §3: «Удалить мои данные» reaches the staff chats. After a family deletes its data, nothing of it
 * stays readable where staff read it — the card, the relayed messages, a video note, the family card, a
 * supervisor's search result — through delivery; the curator and the supervisor are told the request was
 * cancelled; a reply to the family is refused; Redis keeps nothing by the person's chat.
 */
const bot = useE2E();

const WAIT = 15_000;
const body = (m: StoredMessage) => m.text ?? m.caption ?? '';
const latest = (chatId: number, messageId: number) =>
  bot.emulator.messages(chatId).find((m) => m.message_id === messageId)!;

/** A family of Олег's with a routed request, a supervisor of the district, and the family writing in. */
async function familyInTouch(curatorName: string, supervisorName: string) {
  const routed = await routedRequest(bot, { curatorName });
  const supervisorUser = bot.emulator.createUser({ first_name: supervisorName, language_code: 'ru' });
  await createStaffMember(bot.db, {
    telegramId: supervisorUser.id,
    fullName: supervisorName,
    role: 'supervisor',
    districtIds: [routed.district.id],
  });
  // The family chose «Написать куратору» about the request (the relay mode is what that button sets).
  await createRelayModes({ redis: bot.redis, prefix: bot.config.redisPrefix }).set(
    routed.familyUser.id,
    { side: 'family', requestId: routed.request.id, familyId: routed.family.id },
    3600,
  );
  return { ...routed, supervisorUser };
}

async function withdraw(familyUserId: number) {
  const chat = familyChat(bot.emulator, familyUserId);
  await chat.say('Настройки', 'Настройки');
  await chat.press('Удалить мои данные', 'Удалить ваши данные?');
  await chat.press('Да, удалить', 'Ваши данные удалены');
}

describe('«Удалить мои данные» in the staff chats', () => {
  it('takes the family’s data back from every staff message, tells the staff, refuses replies, forgets the chat in Redis', async () => {
    const { curatorUser, familyUser, request, card, supervisorUser } = await familyInTouch(
      'Олег Смирнов',
      'Елена Руководитель',
    );
    const C = curatorUser.id;
    const S = supervisorUser.id;
    bot.emulator.sendText(familyUser.id, 'Мы живём на ул. Ленина, 5, кв. 12.');
    const textCopy = await bot.emulator.waitForMessage(C, (m) => body(m).includes('ул. Ленина'), WAIT);
    bot.emulator.sendVideoNote(familyUser.id);
    const noteCopy = await bot.emulator.waitForMessage(C, (m) => m.video_note !== undefined, WAIT);
    const noteHeading = bot.emulator
      .messages(C, { from: 'bot' })
      .filter((m) => m.message_id < noteCopy.message_id && body(m).includes('Мария Иванова'))
      .at(-1)!;

    const familyPress = bot.emulator.pressButtonByText(C, card.message_id, 'Карточка семьи');
    await bot.answerTo(familyPress.callback_query_id);
    const familyCard = await bot.emulator.waitForMessage(C, (m) => body(m).includes('Карточка семьи'), WAIT);
    bot.emulator.sendText(S, `/find ${request.number}`);
    const found = await bot.emulator.waitForMessage(S, (m) => body(m).includes('Мария Иванова'), WAIT);
    // Everything sent so far is in PostgreSQL before the family leaves.
    await eventually(
      async () =>
        (
          await bot.db
            .select({ n: sql<number>`count(*)::int` })
            .from(notifications)
            .where(eq(notifications.status, 'pending'))
        )[0]!.n === 0,
      WAIT,
      'deliveries to finish',
    );

    await withdraw(familyUser.id);

    const erased = `Данные семьи удалены по её просьбе (заявка № ${request.number}).`;
    const notice = `Семья (Грязинский район) удалила свои данные через бота. Её заявка № ${request.number} отменена. Сообщения с данными семьи в этом чате скрыты или удалены, написать ей через бота больше нельзя.`;
    await bot.emulator.waitForMessage(C, (m) => m.text === notice, WAIT);
    await bot.emulator.waitForMessage(S, (m) => m.text === notice, WAIT);
    // A search result is about the family, not one request: its notice names none.
    for (const [chatId, message, text] of [
      [C, card, erased],
      [C, textCopy, erased],
      [C, noteHeading, erased],
      [C, familyCard, erased],
      [S, found, 'Данные семьи удалены по её просьбе.'],
    ] as const) {
      const now = await eventually(
        async () => {
          const m = latest(chatId, message.message_id);
          return m.text === text ? m : undefined;
        },
        WAIT,
        `message ${message.message_id} taken back`,
      );
      expect(now.reply_markup).toBeUndefined();
    }
    // The video note has no text to replace: it is deleted (within Telegram's 48 hours).
    await eventually(
      async () => latest(C, noteCopy.message_id).deleted === true,
      WAIT,
      'the video note deleted',
    );
    const chats = [C, S].flatMap((chatId) => bot.emulator.messages(chatId, { from: 'bot' }));
    for (const m of chats) {
      if (m.deleted) continue;
      for (const personal of ['Мария Иванова', 'ул. Ленина']) expect(body(m)).not.toContain(personal);
    }
    const [row] = await bot.db.select().from(requests).where(eq(requests.id, request.id));
    expect(row!.status).toBe('cancelled');

    // Replying to the family is refused and stores nothing; so is any button of the request.
    const before = await bot.db.select().from(messages).where(eq(messages.familyId, row!.familyId));
    const reply = bot.emulator.sendText(C, 'Уточните, пожалуйста', { replyTo: textCopy.message_id });
    const refused = await bot.emulator.waitForMessage(C, undefined, WAIT, {
      afterMessageId: reply.message_id!,
    });
    const gone = `Семья удалила свои данные, заявка № ${request.number} отменена. Действия по ней недоступны.`;
    expect(refused.text).toBe(gone);
    const take = bot.emulator.pressButton(C, reply.message_id!, `cur:${request.id}:family`);
    expect((await bot.answerTo(take.callback_query_id)).text).toBe(gone);
    expect(await bot.db.select().from(messages).where(eq(messages.familyId, row!.familyId))).toEqual(before);

    // Redis keeps nothing by the person's chat: no dialogue, no relay mode.
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await bot.redis.scan(
        cursor,
        'MATCH',
        `${bot.config.redisPrefix}:*`,
        'COUNT',
        1000,
      );
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0');
    // Telegram's per-chat rate counters (send slots, flood windows of a second) expire by themselves.
    const rateCounter = (key: string) => key.includes(':tg:chat:') || key.includes(':flood:');
    expect(keys.filter((key) => key.split(':').includes(String(familyUser.id)) && !rateCounter(key))).toEqual(
      [],
    );
    expect(await bot.redis.zscore(`${bot.config.redisPrefix}:dlg:idle`, String(familyUser.id))).toBeNull();
  }, 120_000);

  it('an album is taken back whole: every item of it is deleted, not only the first', async () => {
    const { curatorUser, familyUser } = await familyInTouch('Анна Петрова', 'Зоя Руководитель');
    const C = curatorUser.id;
    for (const caption of ['Паспорт', 'Свидетельство', 'Справка'])
      bot.emulator.sendPhoto(familyUser.id, { caption, mediaGroupId: 'family-album-1' });
    const album: Array<{ message_id: number }> = [];
    for (let i = 0; i < 3; i += 1)
      album.push(await bot.emulator.waitForMessage(C, (m) => m.media_group_id !== undefined, WAIT));

    await withdraw(familyUser.id);

    await eventually(
      async () => album.every((copy) => latest(C, copy.message_id).deleted === true),
      WAIT,
      'every item of the album deleted',
    );
  }, 120_000);

  it('past 48 hours a file cannot be deleted: a photo becomes a blank picture, an album of documents text files, a voice message keeps only a new caption', async () => {
    const { curatorUser, familyUser, request } = await familyInTouch('Анна Петрова', 'Зоя Руководитель');
    const C = curatorUser.id;
    bot.emulator.sendPhoto(familyUser.id, { caption: 'Справка о составе семьи' });
    const photoCopy = await bot.emulator.waitForMessage(C, (m) => m.photo !== undefined, WAIT);
    for (const name of ['spravka.pdf', 'pasport.pdf'])
      bot.emulator.sendDocument(familyUser.id, {
        file_name: name,
        content: 'Иванова Мария',
        mediaGroupId: 'docs-1',
      });
    const documents = [
      await bot.emulator.waitForMessage(C, (m) => m.document !== undefined, WAIT),
      await bot.emulator.waitForMessage(C, (m) => m.document !== undefined, WAIT),
    ];
    expect(documents.map((m) => m.document?.file_name)).toEqual(['spravka.pdf', 'pasport.pdf']);
    bot.emulator.sendVoice(familyUser.id);
    const voiceCopy = await bot.emulator.waitForMessage(C, (m) => m.voice !== undefined, WAIT);
    bot.emulator.advanceClock(49 * 3600 * 1000);

    await withdraw(familyUser.id);

    const erased = `Данные семьи удалены по её просьбе (заявка № ${request.number}).`;
    const copies = [photoCopy, ...documents, voiceCopy];
    await eventually(
      async () => copies.every((copy) => latest(C, copy.message_id).caption === erased),
      WAIT,
      'every file’s caption replaced',
    );
    // Not deleted (past 48 hours Telegram refuses), but the family's files are gone from the chat.
    for (const copy of copies) expect(latest(C, copy.message_id).deleted).toBeUndefined();
    const photo = latest(C, photoCopy.message_id);
    expect(photo.photo?.[0]?.file_unique_id).not.toBe(photoCopy.photo?.[0]?.file_unique_id);
    expect(photo.photo?.[0]).toMatchObject({ width: 320, height: 180 });
    for (const copy of documents) {
      const now = latest(C, copy.message_id);
      expect(now.document).toMatchObject({ file_name: 'removed.txt' });
      expect(now.media_group_id).toBe(copy.media_group_id);
    }
    // Telegram can neither delete nor replace a voice message this old: only its caption changed.
    expect(latest(C, voiceCopy.message_id).voice?.file_unique_id).toBe(voiceCopy.voice?.file_unique_id);
    const retraction = () =>
      bot.db
        .select({ status: notifications.status })
        .from(notifications)
        .where(
          and(
            eq(notifications.kind, retractionKind),
            eq(notifications.chatId, C),
            sql`(${notifications.payload}->>'messageId')::int = ${photoCopy.message_id}`,
          ),
        );
    await eventually(async () => (await retraction())[0]?.status === 'sent', WAIT, 'the retraction recorded');
  }, 120_000);

  it('reaches a phone intake: what the curator typed and the bot echoed is deleted, the dialogue about the family ends', async () => {
    const district = await districtByCode(bot.db, 'lipetsk-city');
    const curatorUser = bot.emulator.createUser({ first_name: 'Ирина', language_code: 'ru' });
    await createStaffMember(bot.db, {
      telegramId: curatorUser.id,
      fullName: 'Ирина Соколова',
      districtIds: [district.id],
    });
    const C = curatorUser.id;
    const chat = familyChat(bot.emulator, C, WAIT);
    const command = bot.emulator.sendText(C, '/intake');
    await chat.next('Телефон семьи');
    await chat.say('8 (900) 777-66-55', 'согласие на обработку');
    await chat.press('Согласие получено', 'Как зовут того, кто обращается');
    await chat.say('Смирнова Елена Ивановна', 'Кем этот человек приходится');
    await chat.press('Мать', 'Как зовут военнослужащего');
    await chat.say('Смирнов Алексей Петрович', 'Дата рождения военнослужащего');
    await chat.press('Пропустить', 'В каком населённом пункте');
    await chat.say('Сырское', 'Адрес семьи');
    await chat.say('ул. Садовая, д. 7', 'Спросите, есть ли в семье дети');
    await chat.press('Добавить ребёнка', 'Как зовут ребёнка');
    await chat.say('Смирнова Ольга Алексеевна', 'Дата рождения ребёнка');
    await chat.say('03.04.2017', 'детский сад или школу');
    await chat.press('Школа', 'Детей добавлено');
    await chat.press('Дальше', 'пожилые родственники');
    await chat.press('Пропустить', 'Проверьте анкету');
    await chat.press('Сохранить', 'Семья сохранена');
    await chat.next('Оформить заявку от имени семьи');
    await chat.press('Оформить заявку', 'С чем нужна помощь');
    await chat.press('Перевод в детский сад ближе к дому', 'Для какого ребёнка');
    // The curator is in the middle of the request when the family deletes its data.
    await chat.press('Смирнова Ольга Алексеевна', 'В какой детский сад ребёнок ходит');
    await chat.say('Детский сад «Ромашка» на Садовой', 'В какой сад семья хочет перевести');
    const state = `${bot.config.redisPrefix}:dlg:${C}`;
    expect(await bot.redis.get(state)).not.toBeNull();

    // The mother starts the bot with that phone, joins her family, and deletes its data.
    const mother = bot.emulator.createUser({
      first_name: 'Елена',
      language_code: 'ru',
      phone_number: '+79007776655',
    });
    const family = familyChat(bot.emulator, mother.id, WAIT);
    await family.say('/start', 'Патронаж');
    await family.next('Вы согласны');
    await family.press('Даю согласие', 'номером телефона');
    await family.shareOwnContact('+79007776655', 'Нашли вашу семью');
    await withdraw(mother.id);

    // About thirty messages to take back, at Telegram's one call a second in a chat: this takes a while.
    const slowly = 90_000;
    await bot.emulator.waitForMessage(C, (m) => body(m).includes('удалила свои данные через бота'), slowly);
    // The curator's dialogue about the family is gone from Redis: the next message starts nothing.
    expect(await bot.redis.get(state)).toBeNull();
    expect(await bot.redis.zscore(`${bot.config.redisPrefix}:dlg:idle`, String(C))).toBeNull();
    // Everything typed and echoed in the intake is deleted through delivery; nothing left shows the family.
    const exchange = () =>
      bot.emulator
        .messages(C)
        .filter((m) => m.message_id > command.message_id! && !body(m).includes('удалила свои данные'));
    const personal = ['Смирнов', '777-66-55', '+79007776655', 'Сырское', 'Садов', 'Ромашка', '03.04.2017'];
    const showing = (m: StoredMessage) =>
      !m.deleted &&
      personal.some((text) => body(m).includes(text) || JSON.stringify(m.reply_markup ?? {}).includes(text));
    await eventually(async () => !exchange().some(showing), slowly, 'the intake taken back');
    const typed = exchange().filter((m) => !m.from?.is_bot);
    // The phone, three names, the place, the address, the birth date and the kindergarten: all deleted.
    expect(typed).toHaveLength(8);
    expect(typed.filter((m) => !m.deleted)).toEqual([]);

    const after = bot.emulator.sendText(C, 'Детский сад №5');
    const reply = await bot.emulator.waitForMessage(C, undefined, WAIT, {
      afterMessageId: after.message_id!,
    });
    expect(reply.text).toContain('Чтобы написать семье');
  }, 180_000);
});
