import { mkdir, writeFile } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requests } from '../../src/db/schema/index.js';
import { defaultPolicies } from '../../src/deadline-policies.js';
import { createStaffInvite } from '../../src/features/staff/staff.usecases.js';
import type { StoredMessage } from '../../src/sandbox/emulator/types.js';
import { useE2E } from '../helpers/e2e.js';
import { familyChat, registerThroughBot } from '../helpers/family-dialogue.js';
import { eventually } from '../helpers/pipeline.js';
import { buttonStartingWith, recordTranscripts, type TranscriptRecorder } from '../helpers/transcript.js';
import { writePolicyFile } from './escalation-fixtures.js';

/**
 * Issue 13, «Done when»: one realistic path per role through the emulator with Telegram's limits on — the
 * family, both curators, the district supervisor, the regional supervisor and an observer — asserting the
 * key things each person reads. With TRANSCRIPTS_DIR set (docs/transcripts in the repo) it writes each chat
 * to <dir>/<role>.md, the record of what people read; a plain run writes nothing, so the suite leaves the
 * work tree as it was.
 */
const WAIT = 30_000;
// A nanny request must be taken within 20 s here: the curator is reminded at 10 s, the district supervisor
// alerted at 20 s, the regional one at 40 s. Everything else keeps the SPEC's windows.
const NANNY_TAKE_SECONDS = 20;
const bot = useE2E({
  env: {
    DEADLINE_POLICIES_FILE: writePolicyFile({
      ...defaultPolicies,
      nanny: { takeWithinMinutes: NANNY_TAKE_SECONDS / 60, resolveWithinMinutes: 60 },
    }),
  },
});
let rec: TranscriptRecorder;
let roles: [file: string, title: string, people: Person[]][] | undefined;

beforeAll(() => {
  rec = recordTranscripts(bot.emulator);
});
afterAll(async () => {
  // Written also when the test fails: the chats up to the failure are what to read first.
  if (roles) await writeTranscripts(roles);
  rec?.stop();
});

const textOf = (m: StoredMessage) => m.text ?? m.caption ?? '';
const buttonsOf = (m: StoredMessage) => m.reply_markup?.inline_keyboard.flat().map((b) => b.text) ?? [];
const matches = (m: StoredMessage, fragment: string | RegExp) =>
  typeof fragment === 'string' ? textOf(m).includes(fragment) : fragment.test(textOf(m));

/** Someone in a chat with the bot: each action is recorded, then waits for the bot's answer after it. */
function person(name: string, userId: number) {
  rec.name(userId, name);
  let mark = 0;
  const setMark = () => {
    mark = bot.emulator.messages(userId).at(-1)?.message_id ?? 0;
  };
  const wait = (fragment: string | RegExp, timeoutMs = WAIT) =>
    bot.emulator.waitForMessage(userId, (m) => matches(m, fragment), timeoutMs, { afterMessageId: mark });
  const latestWithButton = (prefix: string) =>
    bot.emulator
      .messages(userId, { from: 'bot' })
      .filter((m) => !m.deleted && buttonStartingWith(m, prefix))
      .at(-1);
  return {
    name,
    id: userId,
    /** The bot's first message since this person's last action that contains the fragment. */
    wait,
    async say(text: string, expect?: string | RegExp) {
      setMark();
      bot.emulator.sendText(userId, text);
      return expect === undefined ? undefined : wait(expect);
    },
    async replyTo(message: StoredMessage, text: string, expect?: string | RegExp) {
      setMark();
      bot.emulator.sendText(userId, text, { replyTo: message.message_id });
      return expect === undefined ? undefined : wait(expect);
    },
    /** A button of the keyboard under the input field. */
    async menu(label: string, expect?: string | RegExp) {
      setMark();
      bot.emulator.pressReplyButton(userId, label);
      return expect === undefined ? undefined : wait(expect);
    },
    /** Presses the inline button starting with `prefix` (on `on`, or the latest message that has one). */
    async press(prefix: string, expect?: string | RegExp, on?: StoredMessage) {
      const message = on
        ? bot.emulator.messages(userId).find((m) => m.message_id === on.message_id)
        : latestWithButton(prefix);
      const button = message && buttonStartingWith(message, prefix);
      if (!message || !button || !('callback_data' in button)) {
        throw new Error(
          `${name}: no button «${prefix}» (${message ? buttonsOf(message).join(' | ') : 'no message'})`,
        );
      }
      setMark();
      const { callback_query_id } = bot.emulator.pressButton(
        userId,
        message.message_id,
        button.callback_data!,
      );
      const answer = await eventually(
        async () => bot.emulator.callbackAnswers().find((a) => a.callback_query_id === callback_query_id),
        WAIT,
        `the answer to «${button.text}»`,
      );
      return { answer, message: expect === undefined ? undefined : await wait(expect) };
    },
    async photo() {
      setMark();
      bot.emulator.sendPhoto(userId);
    },
    async document(fileName: string) {
      setMark();
      bot.emulator.sendDocument(userId, { file_name: fileName, mime_type: 'application/pdf', size: 50_000 });
    },
    /** The message as it is now (after edits). */
    now(message: StoredMessage) {
      return bot.emulator.messages(userId).find((m) => m.message_id === message.message_id)!;
    },
    /** Waits until the message reads `fragment` (an edit). */
    async edited(message: StoredMessage, fragment: string | RegExp) {
      return eventually(
        async () => {
          const now = bot.emulator.messages(userId).find((m) => m.message_id === message.message_id);
          return now && matches(now, fragment) ? now : undefined;
        },
        WAIT,
        `${name}: message ${message.message_id} edited to «${fragment}»`,
      );
    },
  };
}
type Person = ReturnType<typeof person>;

async function staffJoins(
  name: string,
  role: 'curator' | 'supervisor' | 'observer',
  districtCodes: string[],
): Promise<Person> {
  const { payload } = await createStaffInvite(
    { db: bot.db, ttlHours: 1 },
    { role, districtCodes, regional: districtCodes.length === 0, fullName: name },
  );
  const [first, last] = name.split(' ');
  const user = bot.emulator.createUser({ first_name: first!, last_name: last, language_code: 'ru' });
  const p = person(first!, user.id);
  const welcome = await p.say(`/start ${payload}`, 'добро пожаловать');
  expect(textOf(welcome!)).toContain(`${name}, добро пожаловать!`);
  await p.say('/help', 'Команды');
  return p;
}

const dateInDays = (days: number) => {
  const d = new Date(Date.now() + days * 86_400_000);
  return new Intl.DateTimeFormat('ru-RU', { timeZone: 'Europe/Moscow' }).format(d);
};

describe('what every role reads, one realistic path each', () => {
  it('the family, the curators, the supervisors and an observer', { timeout: 600_000 }, async () => {
    // --- The staff join through their invites.
    const anna = await staffJoins('Анна Петрова', 'curator', ['gryazi']);
    const oleg = await staffJoins('Олег Смирнов', 'curator', ['gryazi']);
    const elena = await staffJoins('Елена Васильева', 'supervisor', ['gryazi']);
    const natalia = await staffJoins('Наталья Орлова', 'supervisor', []);
    const igor = await staffJoins('Игорь Кузнецов', 'observer', []);
    expect(textOf(bot.emulator.messages(igor.id, { from: 'bot' })[0]!)).toContain(
      'Уведомления о заявках наблюдателям не приходят.',
    );

    // --- The family registers, with a child and an elderly relative.
    const mariaUser = bot.emulator.createUser({
      first_name: 'Мария',
      last_name: 'Соколова',
      language_code: 'ru',
    });
    const maria = person('Мария', mariaUser.id);
    const registered = await registerThroughBot(
      familyChat(bot.emulator, mariaUser.id, WAIT),
      '+79001000001',
      {
        applicant: 'Соколова Мария Андреевна',
        serviceman: 'Соколов Игорь Николаевич',
        locality: 'Грязи',
        address: 'ул. Советская, д. 10, кв. 5',
        children: [{ name: 'Соколова Ольга Игоревна', birthDate: '12.05.2019', institution: 'Детский сад' }],
        relatives: [
          { name: 'Соколова Нина Ивановна', careNeeds: 'Купить продукты и лекарства, проводить к врачу' },
        ],
      },
    );
    const curatorName = /Ваш куратор — ([^.]+)\./.exec(textOf(registered))?.[1];
    expect(['Анна Петрова', 'Олег Смирнов']).toContain(curatorName);
    const [curator, other] = curatorName === 'Анна Петрова' ? [anna, oleg] : [oleg, anna];
    roles = [
      ['family', 'Семья: Мария Соколова', [maria]],
      ['curator', 'Кураторы: Анна Петрова и Олег Смирнов', [curator, other]],
      ['supervisor', 'Руководитель кураторов района: Елена Васильева', [elena]],
      ['regional-supervisor', 'Руководитель по региону: Наталья Орлова', [natalia]],
      ['observer', 'Наблюдатель: Игорь Кузнецов', [igor]],
    ];
    expect(textOf((await maria.say('/help', 'Чем может помочь бот'))!)).toContain('«Нужна помощь»');
    const assigned = await curator.wait('Новая семья');
    expect(textOf(assigned)).toContain('Заявитель: Соколова Мария Андреевна');
    const familyCard = (await curator.press('Карточка семьи', 'Карточка семьи', assigned)).message!;
    expect(textOf(familyCard)).toContain('Соколова Ольга Игоревна');
    expect(textOf(familyCard)).toContain('Соколова Нина Ивановна');
    expect(textOf(familyCard)).toContain('+79001000001');

    // --- A psychologist request with a photo and a PDF.
    await maria.menu('Нужна помощь', 'С чем нужна помощь');
    await maria.press('Помощь психолога', 'Как срочно');
    await maria.press('Можно в ближайшие дни', 'Для кого');
    await maria.press('Для ребёнка', /Как удобнее|Для какого ребёнка/);
    if (buttonStartingWith(bot.emulator.messages(maria.id).at(-1)!, 'Соколова Ольга')) {
      await maria.press('Соколова Ольга', 'Как удобнее');
    }
    await maria.press('По видеосвязи', 'Когда вам удобно');
    await maria.say('В будни после 18:00', 'добавить для куратора');
    await maria.say('Дочь плохо спит и плачет с тех пор, как папа уехал.', 'документы или фото');
    await maria.photo();
    await maria.wait('Файлов: 1');
    await maria.document('заключение-педиатра.pdf');
    await maria.wait('Файлов: 2');
    const summary = (await maria.press('Готово (2)', 'Всё верно?')).message!;
    // «Отправить» turns the summary itself into the request sent, its number under it (an edit).
    await maria.press('✅ Отправить куратору');
    const accepted = await maria.edited(summary, 'принята');
    const psych = Number(/Заявка № (\d+)/.exec(textOf(accepted))?.[1]);
    expect(textOf(accepted)).toContain(`Заявка № ${psych} принята`);

    const card = await curator.wait(`Новая заявка № ${psych}`);
    expect(textOf(card)).toContain('Комментарий: Дочь плохо спит');
    expect(textOf(card)).toContain('📎 Файлы от семьи: 1 фото, 1 документ');
    expect(buttonsOf(card)).toEqual(['Взять в работу', 'Ответить', 'Карточка семьи']);
    await curator.wait('документ от семьи');

    // The curator takes it, writes to the family, the family answers.
    await curator.press('Взять в работу', undefined, card);
    const taken = await maria.wait(`№ ${psych} взяли в работу`);
    expect(textOf(taken)).toContain(`куратор ${curatorName}`);
    await curator.replyTo(
      card,
      'Здравствуйте, Мария! Я нашла для Оли детского психолога. Во вторник в 18:30 по видеосвязи вам подойдёт?',
    );
    const fromCurator = await maria.wait('Во вторник в 18:30');
    expect(textOf(fromCurator)).toContain(`заявка № ${psych}`);
    await maria.press('Ответить куратору', 'Напишите сообщение куратору', fromCurator);
    await maria.say('Да, подойдёт. Спасибо!');
    const familyWrote = await curator.wait('Да, подойдёт');
    expect(textOf(familyWrote)).toContain(`заявка № ${psych}`);

    // «Ждём ответа семьи»: a question, the family's answer brings the request back.
    await curator.press('Ждём ответа семьи', 'Напишите вопрос', card);
    await curator.say(
      'Пришлите, пожалуйста, адрес электронной почты для ссылки на видеозвонок.',
      'Передаём вопрос семье',
    );
    const question = await maria.wait('адрес электронной почты');
    expect(textOf(question)).toContain('спрашивает');
    await maria.press('Ответить куратору', 'Напишите сообщение куратору', question);
    expect(textOf((await maria.say('sokolova.m@mail.ru', 'Спасибо!'))!)).toContain('снова в работе');
    await curator.wait('sokolova.m@mail.ru');

    // Resolved, with a comment; the family rates.
    await curator.press('Решена', 'комментарий для семьи', card);
    await curator.say(
      'Психолог проведёт первую встречу во вторник в 18:30, ссылка придёт на почту.',
      'решена',
    );
    const resolved = await maria.wait(`заявка № ${psych} решена`);
    expect(textOf(resolved)).toContain('Психолог проведёт первую встречу');
    const rating = await maria.wait('Оцените');
    await maria.press('5 ⭐', 'Хотите что-то добавить', rating);
    await maria.say('Спасибо, очень быстро помогли.', 'отзыв');

    // --- A nanny request nobody takes in time.
    await maria.menu('Нужна помощь', 'С чем нужна помощь');
    await maria.press('Няня', 'С кем из детей');
    const whichChild = bot.emulator.messages(maria.id).at(-1)!;
    await maria.press(buttonStartingWith(whichChild, 'Соколова') ? 'Соколова' : 'Все дети');
    if (!buttonStartingWith(bot.emulator.messages(maria.id).at(-1)!, 'Один раз'))
      await maria.wait('один раз или регулярно');
    await maria.press('Один раз', 'На какой день');
    await maria.say(dateInDays(3), 'В какие часы');
    await maria.say('с 9:00 до 18:00', 'Адрес из вашего паспорта');
    await maria.press('Да, по этому адресу', 'добавить для куратора');
    await maria.say('Мне нужно в больницу к маме.', 'документы или фото');
    const nannySummary = (await maria.press('Пропустить', 'Всё верно?')).message!;
    await maria.press('✅ Отправить куратору');
    const nannyAccepted = await maria.edited(nannySummary, 'принята');
    const nanny = Number(/Заявка № (\d+)/.exec(textOf(nannyAccepted))?.[1]);
    const nannyCard = await curator.wait(`Новая заявка № ${nanny}`);
    expect(textOf(nannyCard)).toContain('Няня');

    rec.note(curator.id, `прошло ${NANNY_TAKE_SECONDS / 2} секунд, заявку № ${nanny} никто не взял`);
    const reminder = await curator.wait('Напоминание', 60_000);
    expect(textOf(reminder)).toContain('Напоминание');
    rec.note(elena.id, `прошло ${NANNY_TAKE_SECONDS} секунд, заявку № ${nanny} никто не взял`);
    const alert = await elena.wait(`№ ${nanny}`, 60_000);
    expect(textOf(alert)).toContain('просрочена');
    expect(buttonsOf(alert)).toEqual(expect.arrayContaining(['Открыть', 'Переназначить']));
    rec.note(natalia.id, `прошло ${NANNY_TAKE_SECONDS * 2} секунд, заявку № ${nanny} так никто и не взял`);
    const doubled = await natalia.wait(`№ ${nanny}`, 90_000);
    expect(textOf(doubled)).toContain('вдвое');
    expect(textOf(doubled)).toMatch(/Срок был: .+, опоздание \d+ с\./);

    // The regional supervisor looks at the figures and at what is overdue.
    const regionalOverdue = await natalia.say('/overdue', `№ ${nanny}`);
    expect(textOf(regionalOverdue!)).toContain('Няня');
    const regionalStats = await natalia.say('/stats', 'Создано');
    expect(textOf(regionalStats!)).toMatch(/Создано/);

    // The district supervisor reassigns it to the other curator, who takes it.
    await elena.say('/overdue', `№ ${nanny}`);
    const opened = (await elena.press('Открыть', 'Статус:', alert)).message!;
    expect(textOf(opened)).toContain('куратор: Анна Петрова');
    await elena.press('Переназначить', `Кому передать заявку № ${nanny}`, alert);
    const picked = await elena.press(other.name === 'Анна' ? 'Анна Петрова' : 'Олег Смирнов');
    expect(picked.answer.text).toContain(`Заявка № ${nanny} передана`);
    const handedCard = await other.wait(`№ ${nanny}`);
    expect(buttonsOf(handedCard)).toContain('Взять в работу');
    // Its take-by time is past: the card says so rather than offering it as still ahead.
    expect(textOf(handedCard)).toContain('⏰ Не взята в работу, срок был');
    expect(textOf(handedCard)).not.toContain('Взять в работу до');
    // Her card of it is taken back: an edit of the card, which may land before or after this line.
    const handedAway = await eventually(
      async () => {
        const now = bot.emulator.messages(curator.id).find((m) => m.message_id === nannyCard.message_id);
        return now && textOf(now).includes('другому куратору') ? now : undefined;
      },
      WAIT,
      'the card handed away',
    );
    expect(handedAway.reply_markup).toBeUndefined();
    const familyToldNew = await maria.wait(`№ ${nanny} теперь занимается`);
    expect(textOf(familyToldNew)).toContain(other === anna ? 'Анна Петрова' : 'Олег Смирнов');
    await other.press('Взять в работу', undefined, handedCard);
    // Just told who has it now, the family is not introduced to the curator again.
    const familyToldTaken = await maria.wait(`Куратор взял вашу заявку № ${nanny} в работу`);
    expect(textOf(familyToldTaken)).not.toContain('ею занимается');
    const mine = await other.say('/my', 'Открытые заявки: 1');
    expect(buttonsOf(mine!)[0]).toContain(`№ ${nanny} · Няня`);

    // The family writes without pressing anything: it reaches the curator of the one open request.
    const relayed = await maria.say('Здравствуйте! Когда придёт няня?', `№ ${nanny}`);
    expect(textOf(relayed!)).toMatch(/куратор/i);
    const familyQuestion = await other.wait('Когда придёт няня?');
    await other.replyTo(
      familyQuestion,
      'Здравствуйте, Мария! Няня Светлана придёт в 9:00, я пришлю её телефон вечером.',
    );
    await maria.wait('Няня Светлана придёт');

    // --- The observer: figures only.
    const observerStats = await igor.say('/stats', 'Создано');
    expect(textOf(observerStats!)).not.toContain('Соколов');
    const observerFind = await igor.say(`/find ${nanny}`, 'Наблюдателям доступны');
    expect(textOf(observerFind!)).not.toContain('Соколов');
    await igor.say('/overdue', 'Наблюдателям доступны');

    // --- The family's history, then «Удалить мои данные».
    await maria.menu('Мои заявки', 'Ваши заявки');
    const list = bot.emulator.messages(maria.id).at(-1)!;
    await maria.press(`№ ${psych}`);
    const history = await maria.edited(list, 'История:');
    expect(textOf(history)).toContain('Ваша оценка: 5 из 5');
    expect(textOf(history)).not.toContain('карточку семьи');

    await maria.menu('Настройки', 'Настройки');
    await maria.press('Удалить мои данные', 'Удалить ваши данные?');
    const erased = (await maria.press('Да, удалить', 'Ваши данные удалены')).message!;
    expect(textOf(erased)).toContain('горячую линию');
    const erasedNotice = await other.wait('удалила свои данные');
    expect(textOf(erasedNotice)).toContain(`№ ${nanny}`);
    await elena.wait('удалила свои данные');
    await other.edited(handedCard, 'Данные семьи удалены');

    const [row] = await bot.db.select().from(requests).where(eq(requests.number, nanny));
    expect(row!.status).toBe('cancelled');
    // Nothing the staff still see names the family or carries what it wrote.
    for (const staffMember of [anna, oleg, elena, natalia]) {
      await eventually(
        async () =>
          bot.emulator
            .messages(staffMember.id, { from: 'bot' })
            .every((m) => m.deleted || !/Соколов|sokolova|Советская/.test(textOf(m))),
        60_000,
        `${staffMember.name}: the family's data taken back`,
      );
    }

    // The last edits have landed before the transcripts are written.
    await bot.settled();
  });
});

async function writeTranscripts(roles: [file: string, title: string, people: Person[]][]) {
  const dir = process.env.TRANSCRIPTS_DIR;
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  for (const [file, title, people] of roles) {
    const sections = people.map((p) => `## Чат: ${p.name}\n\n\`\`\`text\n${rec.render(p.id)}\n\`\`\`\n`);
    await writeFile(
      `${dir}/${file}.md`,
      `# ${title}\n\nЗаписано тестом test/e2e/transcripts-roles.test.ts через эмулятор Bot API с лимитами Telegram (\`TRANSCRIPTS_DIR=docs/transcripts npx vitest run test/e2e/transcripts-roles.test.ts\`). Номера заявок, даты и время — из прогона.\n\n${sections.join('\n')}`,
    );
  }
}
