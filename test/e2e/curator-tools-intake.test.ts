import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  consentEvents,
  families,
  familyMembers,
  householdMembers,
  messages,
  notifications,
  requestEvents,
  requests,
  servicemen,
  staff,
} from '../../src/db/schema/index.js';
import { computeStats } from '../../src/features/supervision/supervision.usecases.js';
import type { StoredMessage } from '../../src/sandbox/emulator/types.js';
import { addDays, regionDate, russianDate } from '../../src/time.js';
import { useE2E } from '../helpers/e2e.js';
import { type FamilyChat, familyChat } from '../helpers/family-dialogue.js';
import { type IntakeChild, phoneIntakeSaved, phoneIntakeToSummary } from '../helpers/phone-intake.js';
import { eventually } from '../helpers/pipeline.js';
import { printChat, recordTranscripts, type TranscriptRecorder } from '../helpers/transcript.js';

/**
 * Phone intake: a curator registers a family that does not use Telegram and makes a request on its behalf;
 * the request follows the usual path to the curator, and the family can join in Telegram later.
 */
const bot = useE2E();
// The curators' chats as they read them: printed with PRINT_CHATS=1 (docs/transcripts/CHANGES.md).
let rec: TranscriptRecorder;
beforeAll(() => {
  rec = recordTranscripts(bot.emulator);
});
afterAll(() => rec?.stop());

/**
 * Words of the family's own dialogue that speak to the family, which a curator on the phone must not read as
 * if they were said to them: «Если не хотите указывать», «…для куратора», «Адрес из вашего паспорта»,
 * «Расскажите своими словами», «о которых нам стоит знать … добавить позже», «Когда вам удобно», «Вы не одни»,
 * and the family's «Для меня» button.
 */
const FAMILY_VOICE =
  /Если не хотите|для куратора|вашего паспорта|своими словами|нам стоит знать|добавить позже|хотите перевести|Когда вам удобно|Вы не одни|Для меня|раздел[а-я]* «Социальный паспорт»/;

/** Every text and button the bot showed in a chat. */
const everythingShown = (chatId: number) =>
  bot.emulator
    .messages(chatId, { from: 'bot' })
    .flatMap((m) => [m.text ?? '', ...(m.reply_markup?.inline_keyboard?.flat().map((b) => b.text) ?? [])]);

/** The card of a new request, which comes through the pipeline: looked for from `after` (the summary) on. */
const newRequestCard = (chatId: number, number: string, after: StoredMessage) =>
  bot.emulator.waitForMessage(chatId, (m) => m.text?.includes(`Новая заявка № ${number}`) ?? false, 15_000, {
    afterMessageId: after.message_id,
  });

/** «Оформить заявку от имени семьи» under the family card, an «Другое» request, up to «Отправить заявку?». */
async function otherRequestFromCard(chat: FamilyChat, card: StoredMessage, text: string) {
  bot.emulator.pressButtonByText(chat.userId, card.message_id, 'Оформить заявку от имени семьи');
  await chat.next('С чем нужна помощь');
  await chat.press('Другое', 'запишите словами семьи');
  await chat.say(text, 'хочет ли семья что-то добавить');
  await chat.press('Пропустить', 'документы или фото');
  return chat.press('Пропустить', 'Отправить заявку?');
}

describe('phone intake', () => {
  it('registers the family with oral consent, and its request reaches the curator’s card, /my and the statistics', async () => {
    const {
      staff: { curator },
    } = await bot.seed({ staff: { curator: { name: 'Анна Петрова', districts: ['lipetsk-city'] } } });
    const user = { id: curator.chat };
    const district = curator.districts[0]!;
    const chat = familyChat(bot.emulator, user.id);

    await chat.say('/intake', 'Регистрируем семью по телефону');
    await chat.next('Телефон семьи');
    // A typo first: a hint and the same question.
    await chat.say('позвоните мне', 'Не похоже на номер телефона');
    await chat.next('Телефон семьи');
    const phone = { typed: '8 (900) 555-44-33', stored: '+79005554433' };
    rec.name(user.id, 'Куратор Анна Петрова');
    const summary = await phoneIntakeToSummary(chat, phone, 'ул. Ленина, д. 5, кв. 2');
    // The questions the family's own registration asks it, here asked of the curator, who asks the family
    // (each settled with the answer under it).
    const shown = everythingShown(user.id);
    expect(shown).toContain(
      'Дата рождения военнослужащего (ДД.ММ.ГГГГ). Если семья не хочет её называть — нажмите «Пропустить».\n\n✓ Пропустить',
    );
    expect(shown).toContain(
      'Спросите, есть ли в семье дети до 18 лет. Если семья не хочет о них говорить — нажмите «Пропустить».\n\n✓ Пропустить',
    );
    expect(shown).toContain(
      'Спросите, есть ли в семье пожилые родственники или родственники с инвалидностью, которым нужен уход. Если семья не хочет о них говорить — нажмите «Пропустить».\n\n✓ Пропустить',
    );
    expect(summary.text).toContain('Смирнова Елена Ивановна');
    expect(summary.text).toContain('Липецк');
    await chat.press('Сохранить', 'Семья сохранена и закреплена за вами');
    await chat.next('Оформить заявку от имени семьи');
    await chat.press('Оформить заявку', 'С чем нужна помощь');
    await chat.press('Юридическая помощь', 'О чём вопрос');
    await chat.press('Кредиты и долги', 'Коротко опишите');
    const comment = await chat.say(
      'Банк требует платёж, хотя сын мобилизован',
      'хочет ли семья что-то добавить',
    );
    expect(comment.text).toBe(
      'Спросите, хочет ли семья что-то добавить. Запишите — или нажмите «Пропустить».',
    );
    await chat.press('Пропустить', 'документы или фото');
    const check = await chat.press('Пропустить', 'Отправить заявку?');
    const created = await chat.press('✅ Отправить заявку', 'создана от имени семьи');
    const number = created.text?.match(/№ (\d+)/)?.[1];
    expect(number).toBeDefined();
    // The card comes to this curator: the family is hers and she is at work.
    expect(created.text).toBe(
      `Заявка № ${number} создана от имени семьи, сроки — как у любой заявки. Карточка заявки придёт сюда отдельным сообщением.`,
    );

    // The database: a family reached by phone, in the curator's district, assigned to them; a member without
    // Telegram whose consent was given orally and recorded by the curator.
    const [member] = await bot.db.select().from(familyMembers).where(eq(familyMembers.phone, '+79005554433'));
    expect(member).toMatchObject({
      telegramId: null,
      fullName: 'Смирнова Елена Ивановна',
      relationship: 'mother',
      consentVersion: 'v1',
      consentRecordedById: curator.id,
    });
    const [family] = await bot.db.select().from(families).where(eq(families.id, member!.familyId));
    expect(family).toMatchObject({
      reachedBy: 'phone',
      districtId: district.id,
      curatorId: curator.id,
      locality: 'Липецк',
    });
    expect(await bot.db.select().from(servicemen).where(eq(servicemen.familyId, family!.id))).toEqual([
      expect.objectContaining({ fullName: 'Смирнов Алексей Петрович' }),
    ]);
    expect(await bot.db.select().from(consentEvents).where(eq(consentEvents.memberId, member!.id))).toEqual([
      expect.objectContaining({ decision: 'oral', recordedById: curator.id, telegramId: null }),
    ]);

    // The request follows the usual path: the card comes to the family's curator, with deadlines. It comes
    // through the pipeline, before or after the reply above: looked for from the check onwards.
    const card = await newRequestCard(user.id, number!, check);
    expect(card.text).toContain('Юридическая помощь');
    expect(card.text).toContain('Семья: Смирнова Елена Ивановна');
    const [request] = await bot.db
      .select()
      .from(requests)
      .where(eq(requests.number, Number(number)));
    expect(request).toMatchObject({
      familyId: family!.id,
      memberId: member!.id,
      category: 'legal',
      status: 'assigned',
      curatorId: curator.id,
      details: { topic: 'credits_debts', description: 'Банк требует платёж, хотя сын мобилизован' },
    });
    expect(request!.takeDeadlineAt.getTime()).toBeGreaterThan(request!.createdAt.getTime());
    const [createdEvent] = await bot.db
      .select()
      .from(requestEvents)
      .where(eq(requestEvents.requestId, request!.id))
      .orderBy(asc(requestEvents.id));
    expect(createdEvent).toMatchObject({ type: 'created', actorKind: 'staff', actorStaffId: curator.id });

    const my = await chat.say('/my', 'Открытые заявки: 1');
    expect(my.reply_markup?.inline_keyboard?.flat().map((b) => b.text)).toEqual([
      expect.stringMatching(new RegExp(`^№ ${number} · Юридическая помощь · до `)),
    ]);

    // The curator takes it: the family has no chat, so nothing is sent to it and nothing fails; the curator
    // reads that they tell the family themselves.
    const edited = bot.emulator.waitForEdit(user.id, card.message_id, 10_000);
    const take = bot.emulator.pressButtonByText(user.id, card.message_id, 'Взять в работу');
    expect((await bot.answerTo(take.callback_query_id)).text).toBe(
      'Заявка ваша. У семьи нет чата с ботом: сообщите ей сами, по телефону.',
    );
    await edited;
    await eventually(
      async () =>
        (await bot.db.select().from(requests).where(eq(requests.id, request!.id)))[0]?.status ===
        'in_progress',
      10_000,
      'the request taken',
    );
    const toFamily = await bot.db
      .select()
      .from(notifications)
      .where(eq(notifications.requestId, request!.id));
    expect(toFamily.filter((n) => n.recipientMemberId !== null)).toEqual([]);
    expect(toFamily.filter((n) => n.status === 'failed' || n.status === 'unreachable')).toEqual([]);

    // Nobody of the family has a chat with the bot, so nothing can be written to it from here: «Ответить» on
    // the card and a reply to the card are refused with what to do instead, and nothing is stored as written.
    const noChat = `У семьи нет чата с ботом: её оформили по телефону. Сообщения отсюда до неё не дойдут, поэтому мы ничего не отправляем. Позвоните семье — телефон в её карточке: /family ${number}.`;
    const replyPress = bot.emulator.pressButtonByText(user.id, card.message_id, 'Ответить');
    expect((await bot.answerTo(replyPress.callback_query_id)).text).toBe(noChat);
    const waitPress = bot.emulator.pressButtonByText(user.id, card.message_id, 'Ждём ответа семьи');
    expect((await bot.answerTo(waitPress.callback_query_id)).text).toBe(noChat);
    bot.emulator.sendText(user.id, 'Добрый день! Перезвоните, пожалуйста.', { replyTo: card.message_id });
    expect((await chat.next('нет чата с ботом')).text).toBe(noChat);
    const written = () => bot.db.select().from(messages).where(eq(messages.familyId, family!.id));
    expect(await written()).toEqual([]);
    expect((await bot.db.select().from(requests).where(eq(requests.id, request!.id)))[0]?.status).toBe(
      'in_progress',
    );

    // The supervision statistics count it like any request of the district.
    const stats = await computeStats(
      bot.db,
      { regional: false, districtIds: [district.id] },
      { from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 60_000) },
    );
    expect(stats.total.created).toBe(1);
    expect(stats.byCurator).toEqual([
      expect.objectContaining({ curatorId: curator.id, name: 'Анна Петрова' }),
    ]);

    // A second intake of the same phone is stopped at once: the family exists.
    await chat.say('/intake', 'Регистрируем семью');
    await chat.next('Телефон семьи');
    const known = await chat.say('+7 900 555 44 33', 'уже есть');
    expect(known.text).toBe(
      'Семья с телефоном +79005554433 уже есть. Откройте её карточку: /family +79005554433',
    );
    const card2 = await chat.say('/family +79005554433', 'Карточка семьи');
    expect(card2.text).toContain('зарегистрирована куратором по телефону');
    expect(card2.text).toContain('Смирнова Елена Ивановна, телефон +79005554433 (без Telegram)');

    // Later requests for a family without Telegram: «Оформить заявку от имени семьи» under its card. One
    // not sent says where the family's card is.
    await otherRequestFromCard(chat, card2, 'Нужно привезти уголь');
    const dropped = await chat.press('Не отправлять', 'Заявку не отправили');
    expect(dropped.text).toBe('Заявку не отправили. Карточка семьи — /family +79005554433');
    await otherRequestFromCard(chat, card2, 'Нужно привезти дрова');
    const second = await chat.press('✅ Отправить заявку', 'создана от имени семьи');
    const secondNumber = Number(second.text?.match(/№ (\d+)/)?.[1]);
    const [other] = await bot.db.select().from(requests).where(eq(requests.number, secondNumber));
    expect(other).toMatchObject({ familyId: family!.id, memberId: member!.id, category: 'other' });
    // Its card comes through the pipeline, before or after the reply above: looked for among all messages.
    await eventually(
      async () =>
        bot.emulator.messages(user.id).some((m) => m.text?.includes(`Новая заявка № ${secondNumber}`)),
      15_000,
      'the second card',
    );

    // Later the mother starts the bot herself and shares that phone: she joins her family, nothing asked twice.
    const mother = bot.emulator.createUser({
      first_name: 'Елена',
      language_code: 'ru',
      phone_number: '+79005554433',
    });
    const family2 = familyChat(bot.emulator, mother.id);
    await family2.say('/start', 'Патронаж');
    await family2.next('Согласие на обработку');
    await family2.next('Вы согласны');
    await family2.press('Даю согласие', 'номером телефона');
    const linked = await family2.shareOwnContact('+79005554433', 'Нашли вашу семью');
    expect(linked.text).toContain('Ваш куратор — Анна Петрова');
    const [joined] = await bot.db.select().from(familyMembers).where(eq(familyMembers.id, member!.id));
    expect(joined).toMatchObject({ telegramId: mother.id, familyId: family!.id, consentVersion: 'v1' });
    expect(await bot.db.select().from(families).where(eq(families.districtId, district.id))).toHaveLength(1);
    await family2.say('Мои заявки', `№ ${number}`);

    // Now the family has a chat: the curator's reply to the card goes to the mother.
    bot.emulator.sendText(user.id, 'Елена Ивановна, документы получили.', { replyTo: card.message_id });
    await chat.next(`Передаём семье · заявка № ${number}`);
    await family2.next('Елена Ивановна, документы получили.');
    expect(await written()).toEqual([
      expect.objectContaining({ direction: 'staff_to_family', text: 'Елена Ивановна, документы получили.' }),
    ]);
    // Nothing the curator read on the way spoke to her as if she were the family.
    expect(everythingShown(user.id).filter((text) => FAMILY_VOICE.test(text))).toEqual([]);
    printChat('Куратор: приём по телефону, юридическая помощь и две заявки «Другое»', rec.render(user.id));
  });

  it('a request for one of the family’s children: the curator picks the child from the household just entered, and the saved request and its card name that child', async () => {
    const {
      staff: { irina },
    } = await bot.seed({ staff: { irina: { name: 'Ирина Волкова', districts: ['lipetsk-city'] } } });
    const chat = familyChat(bot.emulator, irina.chat);
    const masha: IntakeChild = {
      name: 'Смирнова Мария Алексеевна',
      birthDate: '14.02.2021',
      institution: 'Детский сад',
    };
    const vanya: IntakeChild = {
      name: 'Смирнов Иван Алексеевич',
      birthDate: '03.09.2016',
      institution: 'Школа',
    };
    await chat.say('/intake', 'Регистрируем семью по телефону');
    await chat.next('Телефон семьи');
    const phone = { typed: '8 (900) 555-66-22', stored: '+79005556622' };
    const summary = await phoneIntakeToSummary(chat, phone, undefined, [masha, vanya]);
    expect(summary.text).toContain(masha.name);
    expect(summary.text).toContain(vanya.name);
    // What was skipped reads in the line's gender.
    expect(summary.text).toContain('Дата рождения военнослужащего: не указана\n');
    expect(summary.text).toContain('Адрес: не указан\n');
    await chat.press('Сохранить', 'Семья сохранена и закреплена за вами');
    await chat.next('Оформить заявку от имени семьи');
    await chat.press('Оформить заявку', 'С чем нужна помощь');

    // «Для какого ребёнка?» lists the household the intake has just saved, as the family's own dialogue would:
    // read from the passport when the request dialogue starts, not asked as a name.
    const which = await chat.press('Перевод в детский сад ближе к дому', 'Для какого ребёнка?');
    expect(which.reply_markup?.inline_keyboard?.flat().map((b) => b.text)).toEqual([
      masha.name,
      vanya.name,
      'Другой человек — напишу имя',
    ]);
    await chat.press(masha.name, 'В какой детский сад ребёнок ходит сейчас');
    const wish = await chat.say('Детский сад № 12', 'В какой сад семья хочет перевести');
    expect(wish.text).toBe(
      'В какой сад семья хочет перевести ребёнка? Запишите номер сада или район, где семье удобно.',
    );
    await chat.say('Рядом с улицей Ленина', 'С какого числа');
    const wanted = addDays(regionDate(new Date(), bot.config.timeZone), 20);
    await chat.say(russianDate(wanted), 'хочет ли семья что-то добавить');
    await chat.press('Пропустить', 'документы или фото');
    const check = await chat.press('Пропустить', 'Отправить заявку?');
    expect(check.text).toContain(`Ребёнок: ${masha.name}`);
    expect(check.text).not.toContain(vanya.name);
    const created = await chat.press('✅ Отправить заявку', 'создана от имени семьи');
    const number = Number(created.text?.match(/№ (\d+)/)?.[1]);

    // PostgreSQL: the request names the child by its household row, not only by the name typed.
    const [member] = await bot.db.select().from(familyMembers).where(eq(familyMembers.phone, phone.stored));
    const household = await bot.db
      .select()
      .from(householdMembers)
      .where(eq(householdMembers.familyId, member!.familyId));
    const mashaRow = household.find((h) => h.fullName === masha.name);
    expect(mashaRow).toMatchObject({ kind: 'child', birthDate: '2021-02-14', institution: 'kindergarten' });
    const [request] = await bot.db.select().from(requests).where(eq(requests.number, number));
    expect(request).toMatchObject({
      familyId: member!.familyId,
      category: 'kindergarten_transfer',
      curatorId: irina.id,
      details: {
        child: { householdMemberId: mashaRow!.id, name: masha.name },
        currentKindergarten: 'Детский сад № 12',
        wantedKindergarten: 'Рядом с улицей Ленина',
        wantedDate: wanted,
      },
    });

    // The card the curator gets names the child too.
    const card = await newRequestCard(irina.chat, String(number), check);
    expect(card.text).toContain('Перевод в детский сад ближе к дому');
    expect(card.text).toContain(`Ребёнок: ${masha.name}`);
    expect(everythingShown(irina.chat).filter((text) => FAMILY_VOICE.test(text))).toEqual([]);
  });

  it('a psychologist needed right now: the curator reads the emergency numbers to say on the phone, and the choices from her side — with no «В чате» for a family without a chat', async () => {
    const {
      staff: { nina },
    } = await bot.seed({ staff: { nina: { name: 'Нина Белова', districts: ['lipetsk-city'] } } });
    const chat = familyChat(bot.emulator, nina.chat);
    rec.name(nina.chat, 'Куратор Нина Белова');
    await phoneIntakeSaved(chat, { typed: '8 (900) 555-31-13', stored: '+79005553113' });
    await chat.press('Помощь психолога', 'Как срочно');
    const crisis = await chat.press('Нужна помощь прямо сейчас', 'продиктуйте');
    expect(crisis.text).toBe(
      [
        'Если кому-то в семье грозит опасность, продиктуйте телефоны экстренной помощи прямо сейчас:',
        ...bot.config.crisisContacts,
        'Звонок бесплатный. Осталось несколько коротких вопросов — потом отправьте заявку, она будет срочной.',
      ].join('\n'),
    );
    const forWhom = await chat.next('Для кого нужна помощь психолога');
    expect(forWhom.reply_markup?.inline_keyboard?.flat().map((b) => b.text)).toEqual([
      'Для заявителя',
      'Для ребёнка',
      'Для другого родственника',
    ]);
    const format = await chat.press('Для заявителя', 'Как удобнее поговорить');
    // Nobody of a family registered by phone is in chat with the bot: «В чате» is not offered.
    expect(format.reply_markup?.inline_keyboard?.flat().map((b) => b.text)).toEqual([
      'По телефону',
      'По видеосвязи',
      'Лично',
    ]);
    await chat.press('По телефону', 'хочет ли семья что-то добавить');
    const check = await chat.press('Пропустить', 'Отправить заявку?');
    expect(check.text).toContain('Для кого: для заявителя');
    const created = await chat.press('✅ Отправить заявку', 'создана от имени семьи');
    expect(created.text).toContain('Карточка заявки придёт сюда отдельным сообщением.');
    expect(everythingShown(nina.chat).filter((text) => FAMILY_VOICE.test(text))).toEqual([]);
    printChat('Куратор: приём по телефону, психолог прямо сейчас', rec.render(nina.chat));
  });

  it('says where the card of a request made on the family’s behalf will come: here, to the deputy while the family’s curator is away, or to the family’s curator — and it comes there', async () => {
    const {
      staff: { anna, oleg, ira },
    } = await bot.seed({
      staff: {
        anna: { name: 'Анна Соколова', districts: ['lipetsk-city'] },
        oleg: { name: 'Олег Смирнов', districts: ['lipetsk-city'] },
        ira: { name: 'Ирина Лебедева', districts: ['lipetsk-city'] },
      },
    });
    const annaChat = familyChat(bot.emulator, anna.chat);
    rec.name(anna.chat, 'Куратор Анна Соколова');
    rec.name(oleg.chat, 'Куратор Олег Смирнов');
    rec.name(ira.chat, 'Куратор Ирина Лебедева');
    const phone = { typed: '8 (900) 555-71-17', stored: '+79005557117' };
    await phoneIntakeSaved(annaChat, phone, false);
    await annaChat.press('Не сейчас', 'Готово');

    /** «Другое» from the family card, sent: what the one who sent it reads, and the request's number. */
    const fromCard = async (chatId: number, text: string) => {
      const chat = familyChat(bot.emulator, chatId);
      const card = await chat.say(`/family ${phone.stored}`, 'Карточка семьи');
      await otherRequestFromCard(chat, card, text);
      const created = await chat.press('✅ Отправить заявку', 'создана от имени семьи');
      return { text: created.text, number: created.text?.match(/№ (\d+)/)?.[1] ?? '' };
    };
    const cardReaches = (chatId: number, number: string) =>
      eventually(
        async () => bot.emulator.messages(chatId).some((m) => m.text?.includes(`Новая заявка № ${number}`)),
        15_000,
        `the card of № ${number}`,
      );
    const created = (number: string, where: string) =>
      `Заявка № ${number} создана от имени семьи, сроки — как у любой заявки. ${where}`;

    // Anna, the family's curator, is away with Oleg as her deputy.
    const away = new Date(Date.now() + 3 * 86_400_000);
    await bot.db.update(staff).set({ awayUntil: away, deputyId: oleg.id }).where(eq(staff.id, anna.id));
    const byAnna = await fromCard(anna.chat, 'Нужно привезти уголь');
    expect(byAnna.text).toBe(
      created(byAnna.number, 'Пока вы отсутствуете, карточку заявки получит ваш заместитель — Олег Смирнов.'),
    );
    await cardReaches(oleg.chat, byAnna.number);
    const byOleg = await fromCard(oleg.chat, 'Нужно привезти дрова');
    expect(byOleg.text).toBe(created(byOleg.number, 'Карточка заявки придёт сюда отдельным сообщением.'));
    await cardReaches(oleg.chat, byOleg.number);
    const byIra = await fromCard(ira.chat, 'Нужно починить крыльцо');
    expect(byIra.text).toBe(
      created(
        byIra.number,
        'Куратор семьи сейчас отсутствует, карточку заявки получит заместитель — Олег Смирнов.',
      ),
    );
    await cardReaches(oleg.chat, byIra.number);

    // Anna is back: a request Irina makes goes to Anna.
    await bot.db.update(staff).set({ awayUntil: null, deputyId: null }).where(eq(staff.id, anna.id));
    const back = await fromCard(ira.chat, 'Нужно оформить выплату');
    expect(back.text).toBe(created(back.number, 'Карточку заявки получит куратор семьи — Анна Соколова.'));
    await cardReaches(anna.chat, back.number);
    for (const chatId of [anna.chat, oleg.chat, ira.chat]) {
      expect(everythingShown(chatId).filter((text) => FAMILY_VOICE.test(text))).toEqual([]);
    }
    printChat('Куратор Анна (в отсутствии)', rec.render(anna.chat));
    printChat('Куратор Ирина', rec.render(ira.chat));
  });

  it('a question that will not go, and /cancel: the curator reads words for a curator, not the family’s «Пусть уточнит куратор» or «отправьте /start»', async () => {
    const {
      staff: { vera },
    } = await bot.seed({ staff: { vera: { name: 'Вера Орлова', districts: ['lipetsk-city'] } } });
    const chat = familyChat(bot.emulator, vera.chat);
    rec.name(vera.chat, 'Куратор Вера Орлова');
    await phoneIntakeSaved(chat, { typed: '8 (900) 555-61-16', stored: '+79005556116' });
    const question = await chat.press('Другое', 'запишите словами семьи');
    /** Six answers without a letter: five hints, then the sixth with the way-on offer, and the question again. */
    const sixWrong = async () => {
      for (let i = 0; i < 5; i++) {
        await chat.say('???', 'словами, чем помочь');
        await chat.next('запишите словами семьи');
      }
      await chat.say('???', 'словами, чем помочь');
      const offer = await chat.next('не получается');
      return { offer, again: await chat.next('запишите словами семьи') };
    };
    const { offer, again } = await sixWrong();
    expect(everythingShown(vera.chat)).toContain(
      'Опишите, пожалуйста, словами, чем помочь: по одним значкам и эмодзи не понять, что нужно.',
    );
    expect(offer.reply_markup?.inline_keyboard?.flat().map((b) => b.text)).toEqual([
      'Уточню у семьи позже',
      'Прервать без сохранения',
    ]);
    bot.emulator.pressButtonByText(vera.chat, offer.message_id, 'Уточню у семьи позже');
    await chat.next('хочет ли семья что-то добавить');
    const settled = bot.emulator.messages(vera.chat).find((m) => m.message_id === again.message_id);
    expect(settled?.text).toBe(`${question.text}\n\n✓ Уточню у семьи позже`);
    await chat.press('Пропустить', 'документы или фото');
    const summary = await chat.press('Пропустить', 'Отправить заявку?');
    expect(summary.text).toContain('Запрос: семья не смогла ответить — уточните у неё');
    await chat.press('Не отправлять', 'Заявку не отправили');

    // Three rounds of it: the dialogue is closed, and the curator is pointed to her commands, not to /start.
    const card = await chat.say('/family +79005556116', 'Карточка семьи');
    bot.emulator.pressButtonByText(vera.chat, card.message_id, 'Оформить заявку от имени семьи');
    await chat.next('С чем нужна помощь');
    await chat.press('Другое', 'запишите словами семьи');
    await sixWrong();
    await sixWrong();
    for (let i = 0; i < 5; i++) {
      await chat.say('???', 'словами, чем помочь');
      await chat.next('запишите словами семьи');
    }
    await chat.say('???', 'словами, чем помочь');
    expect((await chat.next('прервёмся')).text).toBe(
      'Давайте прервёмся: этот разговор закрыт, ответы из него не сохранились. Ваши команды — /help.',
    );

    // /cancel in the middle of an intake: cancelled, and again her commands.
    await chat.say('/intake', 'Регистрируем семью по телефону');
    await chat.next('Телефон семьи');
    expect((await chat.say('/cancel', 'отменили')).text).toBe('Хорошо, отменили. Ваши команды — /help.');
    expect(
      everythingShown(vera.chat).filter(
        (text) => FAMILY_VOICE.test(text) || /\/start|Пусть уточнит куратор/.test(text),
      ),
    ).toEqual([]);
    printChat('Куратор: вопрос, который не идёт, и /cancel', rec.render(vera.chat));
  });

  it('the intake call is a contact: the family card and /my give its date, not «ещё не было»', async () => {
    const {
      staff: { lida },
    } = await bot.seed({ staff: { lida: { name: 'Лидия Орлова', districts: ['lipetsk-city'] } } });
    const chat = familyChat(bot.emulator, lida.chat);
    await phoneIntakeSaved(chat, { typed: '8 900 555-31-15', stored: '+79005553115' }, false);
    await chat.press('Не сейчас', 'Готово');
    const today = new Intl.DateTimeFormat('ru-RU', { timeZone: bot.config.timeZone }).format(new Date());
    const card = await chat.say('/family +79005553115', 'Карточка семьи');
    expect(card.text).toContain(`Последний контакт: ${today}`);
    expect(card.text).not.toContain('Контакта с семьёй ещё не было');
    const my = await chat.say('/my', 'Ваши семьи (1)');
    expect(my.text).toContain(`• Смирнова Елена Ивановна — последний контакт: ${today}`);
  });

  it('is refused to a family member and to a supervisor', async () => {
    const {
      staff: { vera },
    } = await bot.seed({ staff: { vera: { name: 'Вера', role: 'supervisor', districts: ['gryazi'] } } });
    expect((await familyChat(bot.emulator, vera.chat).say('/intake')).text).toContain(
      'недоступна для вашей роли',
    );
    const stranger = bot.emulator.createUser({ first_name: 'Пётр', language_code: 'ru' });
    expect((await familyChat(bot.emulator, stranger.id).say('/intake')).text).toContain(
      'для сотрудников службы',
    );
  });
});
