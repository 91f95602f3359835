import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, requests } from '../../src/db/schema/index.js';
import type { StoredMessage } from '../../src/sandbox/emulator/types.js';
import { useE2E } from '../helpers/e2e.js';
import { type FamilyChat, familyChat } from '../helpers/family-dialogue.js';
import { eventually } from '../helpers/pipeline.js';

/**
 * What the curator reads on a request's card (issue 13 §1): every answer of the family in the order asked,
 * the crisis flag first, the family's photo and PDF threaded to the card, Telegram's limits kept with
 * «Показать полностью» for long answers, and the same on /my, «Открыть» and the family card. Observers
 * never see the answers.
 */
const WAIT = 20_000;
const bot = useE2E({ seed: { staff: { anna: { name: 'Анна Петрова', districts: ['gryazi'] } } } });
/** The curator of every family here. */
const anna = () => bot.seeded.staff.anna;

const textOf = (m: StoredMessage) => m.text ?? m.caption ?? '';
const buttonsOf = (m: StoredMessage) => m.reply_markup?.inline_keyboard.flat().map((b) => b.text) ?? [];

async function registeredFamily(name: string) {
  const {
    families: { family },
  } = await bot.seed({
    families: {
      family: { curator: anna(), memberName: `${name} Иванова`, children: [{ fullName: 'Петя Иванов' }] },
    },
  });
  const chat = familyChat(bot.emulator, family.chat, WAIT);
  await chat.say('/menu', 'Главное меню');
  return { ...family, user: { id: family.chat }, chat };
}

async function startRequest(chat: FamilyChat, category: string, firstQuestion: string) {
  bot.emulator.pressReplyButton(chat.userId, 'Нужна помощь');
  await chat.next('С чем нужна помощь');
  await chat.press(category, firstQuestion);
}

async function send(chat: FamilyChat) {
  const done = await chat.press('✅ Отправить куратору', 'принята');
  const number = Number(/№ (\d+)/.exec(done.text ?? '')?.[1]);
  const [request] = await bot.db.select().from(requests).where(eq(requests.number, number));
  return request!;
}

const cardOf = (number: number, marker = `заявка № ${number}`) =>
  bot.emulator.waitForMessage(anna().chat, (m) => textOf(m).toLowerCase().includes(marker), WAIT);

/** Bot messages in the curator's chat that reply to this message. */
const repliesTo = (messageId: number) =>
  bot.emulator
    .messages(anna().chat, { from: 'bot' })
    .filter((m) => m.reply_to_message?.message_id === messageId);

describe('the card carries the request', () => {
  it('a psychologist request: every answer in the order asked, the photo and the PDF threaded to the card', async () => {
    const { chat } = await registeredFamily('Мария');
    await startRequest(chat, 'Помощь психолога', 'Как срочно');
    await chat.press('Можно в ближайшие дни', 'Для кого нужна помощь психолога');
    await chat.press('Для ребёнка', 'Как удобнее поговорить');
    await chat.press('По видеосвязи', 'Когда вам удобно');
    await chat.say('В будни после 18:00', 'добавить для куратора');
    await chat.say('Сын плохо спит с тех пор, как папа уехал', 'документы или фото');
    bot.emulator.sendPhoto(chat.userId);
    await chat.next('Файлов: 1');
    bot.emulator.sendDocument(chat.userId, {
      file_name: 'справка.pdf',
      mime_type: 'application/pdf',
      size: 4096,
    });
    await chat.next('Файлов: 2');
    await chat.press('Готово (2)', 'Всё верно?');
    const request = await send(chat);

    const card = await cardOf(request.number, `новая заявка № ${request.number}`);
    expect(card.text?.split('\n')).toEqual([
      `Новая заявка № ${request.number} · Помощь психолога`,
      'Район: Грязинский район',
      'Семья: Мария Иванова',
      expect.stringMatching(/^Взять в работу до: \d\d\.\d\d\.\d{4}, \d\d:\d\d/),
      '',
      'Что рассказала семья:',
      'Срочность: можно в ближайшие дни',
      'Для кого: для ребёнка',
      'Как удобнее: по видеосвязи',
      'Удобное время: В будни после 18:00',
      'Комментарий: Сын плохо спит с тех пор, как папа уехал',
      '',
      '📎 Файлы от семьи: 1 фото, 1 документ — ответом на эту карточку.',
    ]);
    expect(buttonsOf(card)).toEqual(['Взять в работу', 'Ответить', 'Карточка семьи']);

    // The photo, then the PDF, each a reply to the card, captioned with the request's number.
    const files = await eventually(
      async () => repliesTo(card.message_id).length === 2 && repliesTo(card.message_id),
      WAIT,
      'the photo and the PDF under the card',
    );
    expect(files[0]?.photo).toBeDefined();
    expect(files[0]?.caption).toBe(`📎 Заявка № ${request.number}: фото от семьи`);
    expect(files[1]?.document?.file_name).toBe('справка.pdf');
    expect(files[1]?.caption).toBe(`📎 Заявка № ${request.number}: документ от семьи`);
    const familyPhoto = bot.emulator.messages(chat.userId).find((m) => m.photo && !m.from?.is_bot);
    expect(files[0]?.photo?.at(-1)?.file_id).toBe(familyPhoto?.photo?.at(-1)?.file_id);
    // One card and two files: nothing twice, and never faster than Telegram allows in one chat.
    const atCurator = bot.emulator
      .messages(anna().chat, { from: 'bot' })
      .filter((m) => textOf(m).includes(`№ ${request.number}`));
    expect(atCurator).toHaveLength(3);
    expect(bot.emulator.stats().perChat[String(anna().chat)]?.maxSendsPerSecond).toBeLessThanOrEqual(1);
  });

  it('an urgent psychologist request shows the crisis flag first, then «прямо сейчас» first among the answers', async () => {
    const { chat } = await registeredFamily('Светлана');
    await startRequest(chat, 'Помощь психолога', 'Как срочно');
    await chat.press('Нужна помощь прямо сейчас', 'Вы не одни');
    await chat.next('Для кого нужна помощь психолога');
    await chat.press('Для меня', 'Как удобнее');
    await chat.press('По телефону', 'добавить для куратора');
    await chat.say('Позвоните, пожалуйста, на этот номер', 'Всё верно?');
    const request = await send(chat);

    const card = await cardOf(request.number, `срочная заявка № ${request.number}`);
    const lines = (card.text ?? '').split('\n');
    expect(lines[0]).toBe(
      '🆘 КРИЗИС: семье нужна помощь психолога прямо сейчас. Свяжитесь с семьёй как можно скорее.',
    );
    expect(lines[1]).toBe(`🔴 Срочная заявка № ${request.number} · Помощь психолога`);
    const answers = lines.slice(lines.indexOf('Что рассказала семья:') + 1);
    expect(answers).toEqual([
      'Срочность: нужна помощь прямо сейчас',
      'Для кого: для заявителя',
      'Как удобнее: по телефону',
      'Комментарий: Позвоните, пожалуйста, на этот номер',
    ]);
  });
});

/** A long answer (the dialogue's limit is 1,000 characters) whose end says which answer it is. */
const longAnswer = (topic: string, end: string) => {
  const body = `${topic}. `.repeat(Math.ceil(1000 / (topic.length + 2)));
  return `${body.slice(0, 1000 - end.length - 1).trimEnd()} ${end}`;
};
const occupation = longAnswer('Работала бухгалтером в сельской школе и вела учёт', 'КОНЕЦ-ЗАНЯТИЯ');
const wanted = longAnswer('Ищу удалённую работу или курсы по программе учёта', 'КОНЕЦ-ЖЕЛАНИЯ');
const comment = longAnswer(
  'Муж мобилизован, дети маленькие, работать могу только из дома',
  'КОНЕЦ-КОММЕНТАРИЯ',
);

/** An employment request whose three free answers take 1,000 characters each. */
async function longRequest(name: string) {
  const family = await registeredFamily(name);
  const { chat } = family;
  await startRequest(chat, 'Работа и обучение', 'Для кого');
  await chat.press('Для меня', 'Чем занимается человек сейчас');
  await chat.say(occupation, 'Какую работу или обучение');
  await chat.say(wanted, 'добавить для куратора');
  await chat.say(comment, 'документы или фото');
  bot.emulator.sendDocument(chat.userId, { file_name: 'резюме.pdf', mime_type: 'application/pdf' });
  await chat.next('Файлов: 1');
  await chat.press('Готово (1)', 'Всё верно?');
  const request = await send(chat);
  return { ...family, request };
}

async function staffUser(role: 'curator' | 'supervisor' | 'observer', districtCode: string, name: string) {
  const {
    staff: { member },
  } = await bot.seed({ staff: { member: { name, role, districts: [districtCode] } } });
  return { user: { id: member.chat }, member };
}

/** Presses a button and returns the bot's answer to that press. */
async function press(userId: number, messageId: number, data: string) {
  const { callback_query_id } = bot.emulator.pressButton(userId, messageId, data);
  return eventually(
    async () => bot.emulator.callbackAnswers().find((a) => a.callback_query_id === callback_query_id),
    WAIT,
    'the answer to a press',
  );
}

describe('long answers', () => {
  it('keep the card within 4,096 characters, say so, and «Показать полностью» gives the whole to staff only', async () => {
    const { request } = await longRequest('Ольга');
    const card = await cardOf(request.number, `новая заявка № ${request.number}`);
    const text = card.text ?? '';
    expect(text.length).toBeLessThanOrEqual(4096);
    // Every answer is there, the long ones begun and marked with «…», and the card says they were shortened.
    for (const label of [
      'Для кого: для заявителя',
      'Чем занимается сейчас: Работала',
      'Какая работа или обучение нужны: Ищу',
      'Комментарий: Муж мобилизован',
    ]) {
      expect(text).toContain(label);
    }
    expect(text).not.toContain('КОНЕЦ-');
    expect(text.split('\n').filter((line) => line.endsWith('…'))).toHaveLength(3);
    expect(text).toContain(
      '✂️ Длинные ответы здесь сокращены (где «…»). Весь текст — по кнопке «Показать полностью».',
    );
    expect(buttonsOf(card)).toEqual(['Взять в работу', 'Ответить', 'Карточка семьи', 'Показать полностью']);

    // A stranger, a family member, a curator of another district and an observer press it: refused.
    const stranger = bot.emulator.createUser({ first_name: 'Чужой' });
    const family = await registeredFamily('Ирина');
    const otherCurator = await staffUser('curator', 'lipetsk-city', 'Олег Смирнов');
    const observer = await staffUser('observer', 'gryazi', 'Глава района');
    const data = `det:${request.id}`;
    const refusals = [
      [stranger.id, 'Эта кнопка для сотрудников службы'],
      [family.user.id, 'Эта кнопка для сотрудников службы'],
      [otherCurator.user.id, 'Эта заявка не из ваших районов'],
      [observer.user.id, 'Наблюдателям доступны только сводные цифры, без данных семей'],
    ] as const;
    for (const [userId, refusal] of refusals) {
      const sent = bot.emulator.sendText(userId, 'старт');
      const answer = await press(userId, sent.message_id!, data);
      expect(answer.text).toContain(refusal);
    }
    for (const [userId] of refusals) {
      expect(bot.emulator.messages(userId, { from: 'bot' }).map(textOf).join('\n')).not.toContain('КОНЕЦ-');
    }
    const viewsBefore = await bot.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'request_details_viewed'), eq(auditLog.requestId, request.id)));
    expect(viewsBefore).toEqual([]);

    // The curator presses it: the whole answers arrive as replies to the card, each message within the limit.
    const answer = await press(anna().chat, card.message_id, data);
    expect(answer.text).toBeUndefined();
    const full = await eventually(
      async () => {
        const replies = repliesTo(card.message_id).filter(
          (m) => m.text?.includes('полностью') || m.text?.includes('КОНЕЦ'),
        );
        return replies.some((m) => m.text?.includes('КОНЕЦ-КОММЕНТАРИЯ')) && replies;
      },
      WAIT,
      'the whole answers under the card',
    );
    const whole = full.map(textOf).join('\n');
    expect(full[0]?.text).toMatch(
      new RegExp(`^Заявка № ${request.number} · Работа и обучение — ответы семьи полностью:`),
    );
    for (const value of [occupation, wanted, comment]) expect(whole).toContain(value);
    for (const message of full) expect(textOf(message).length).toBeLessThanOrEqual(4096);
    const views = await bot.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'request_details_viewed'), eq(auditLog.requestId, request.id)));
    expect(views.map((row) => row.staffId)).toEqual([anna().id]);
  });
});

/** The shortened card's answers as the curator reads them, to compare views with. */
const answersOf = (text: string) => {
  const lines = text.split('\n');
  const start = lines.indexOf('Что рассказала семья:');
  const end = lines.findIndex((line, index) => index > start && !line.includes(': '));
  return lines.slice(start, end);
};

describe('the same request wherever staff open it', () => {
  it('/my, /overdue and «Открыть», and the family card show the same answers; files follow opened cards; observers see none', async () => {
    const { request } = await longRequest('Наталья');
    const delivered = await cardOf(request.number, `новая заявка № ${request.number}`);
    const answers = answersOf(delivered.text ?? '');
    expect(answers.length).toBe(5);

    // /my: the curator opens the request; the card, its history, «Показать полностью», and the file after it.
    const list = await (async () => {
      bot.emulator.sendText(anna().chat, '/my');
      return bot.emulator.waitForMessage(anna().chat, (m) => textOf(m).startsWith('Открытые заявки'), WAIT);
    })();
    const item = list.reply_markup?.inline_keyboard
      .flat()
      .find((b) => b.text.includes(`№ ${request.number}`));
    bot.emulator.pressButton(anna().chat, list.message_id, (item as { callback_data: string }).callback_data);
    const mine = await bot.emulator.waitForMessage(
      anna().chat,
      (m) => textOf(m).includes('История:') && textOf(m).includes(`№ ${request.number}`),
      WAIT,
    );
    expect(answersOf(mine.text ?? '')).toEqual(answers);
    expect((mine.text ?? '').length).toBeLessThanOrEqual(4096);
    expect(buttonsOf(mine)).toContain('Показать полностью');
    const fileUnderMine = await eventually(
      async () => repliesTo(mine.message_id).find((m) => m.document),
      WAIT,
      'the file under the card opened from /my',
    );
    expect(fileUnderMine.document?.file_name).toBe('резюме.pdf');

    // /overdue → «Открыть»: a supervisor of the district, once the take-by time has passed.
    await bot.db
      .update(requests)
      .set({ takeDeadlineAt: new Date(Date.now() - 3_600_000) })
      .where(eq(requests.id, request.id));
    const supervisor = await staffUser('supervisor', 'gryazi', 'Елена Руководитель');
    bot.emulator.sendText(supervisor.user.id, '/overdue');
    const overdue = await bot.emulator.waitForMessage(
      supervisor.user.id,
      (m) => textOf(m).includes(`№ ${request.number}`),
      WAIT,
    );
    const open = overdue.reply_markup?.inline_keyboard
      .flat()
      .find((b) => 'callback_data' in b && b.callback_data === `sup:${request.id}:open`);
    expect(open).toBeDefined();
    bot.emulator.pressButton(supervisor.user.id, overdue.message_id, `sup:${request.id}:open`);
    const opened = await bot.emulator.waitForMessage(
      supervisor.user.id,
      (m) => textOf(m).includes('Что рассказала семья:'),
      WAIT,
    );
    expect(answersOf(opened.text ?? '')).toEqual(answers);
    expect((opened.text ?? '').length).toBeLessThanOrEqual(4096);
    expect(buttonsOf(opened)).toContain('Показать полностью');
    await eventually(
      async () =>
        bot.emulator
          .messages(supervisor.user.id, { from: 'bot' })
          .find((m) => m.reply_to_message?.message_id === opened.message_id && m.document),
      WAIT,
      'the file under the card the supervisor opened',
    );
    // The supervisor's «Показать полностью» works there too.
    await press(supervisor.user.id, opened.message_id, `det:${request.id}`);
    await eventually(
      async () =>
        bot.emulator
          .messages(supervisor.user.id, { from: 'bot' })
          .some(
            (m) =>
              m.reply_to_message?.message_id === opened.message_id && textOf(m).includes('КОНЕЦ-КОММЕНТАРИЯ'),
          ),
      WAIT,
      'the whole answers for the supervisor',
    );

    // The family card («Карточка семьи» on the card): the request with the same answers, and a button to open it.
    await press(anna().chat, delivered.message_id, `cur:${request.id}:family`);
    const familyCard = await bot.emulator.waitForMessage(
      anna().chat,
      (m) => textOf(m).startsWith('Карточка семьи'),
      WAIT,
    );
    const familyText = familyCard.text ?? '';
    expect(familyText.length).toBeLessThanOrEqual(4096);
    expect(familyText).toContain(`• № ${request.number} · Работа и обучение — передана куратору`);
    for (const line of answers.slice(1)) expect(familyText).toContain(line.replace(/…$/, '').slice(0, 60));
    expect(familyText).toContain('✂️ Длинные ответы здесь сокращены');
    expect(buttonsOf(familyCard)).toContain(`Заявка № ${request.number}`);

    // An observer of the district: every way to a request is refused, and no answer reaches their chat.
    const observer = await staffUser('observer', 'gryazi', 'Глава района Грязи');
    const hello = bot.emulator.sendText(observer.user.id, '/overdue');
    await bot.emulator.waitForMessage(observer.user.id, undefined, WAIT);
    for (const data of [
      `sup:${request.id}:open`,
      `my:r:${request.id}`,
      `det:${request.id}`,
      `cur:${request.id}:family`,
    ]) {
      const answer = await press(observer.user.id, hello.message_id!, data);
      expect(answer.text).toBeTruthy();
    }
    // Whatever those presses made the bot send has been sent.
    await bot.settled();
    const observerChat = bot.emulator.messages(observer.user.id, { from: 'bot' }).map(textOf).join('\n');
    for (const secret of ['Работала бухгалтером', 'Ищу удалённую', 'Муж мобилизован', 'Наталья']) {
      expect(observerChat).not.toContain(secret);
    }
  });
});
