import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  consultations,
  districts,
  families,
  notifications,
  requests,
  staff,
} from '../../src/db/schema/index.js';
import { deactivateStaff } from '../../src/features/supervision/supervision.departure.js';
import type { StoredMessage } from '../../src/sandbox/emulator/types.js';
import { useE2E } from '../helpers/e2e.js';
import { createRegisteredFamily } from '../helpers/factories.js';
import { type FamilyChat, familyChat, registerThroughBot } from '../helpers/family-dialogue.js';
import { eventually } from '../helpers/pipeline.js';
import { sentRecorded } from '../helpers/retractions.js';
import { createStaffMember, districtByCode } from '../helpers/routing-factories.js';
import { printChat, recordTranscripts } from '../helpers/transcript.js';
import {
  bookedOf,
  familyAskingForPsychologist,
  isOffer,
  roundTheClock,
  slotButtons,
} from './psychologists-fixtures.js';

/**
 * Issue 13 §6: the family is told who has its request only once the card has reached them (never the name
 * of a curator who blocked the bot), and a curator is told when a family becomes theirs.
 */
const bot = useE2E();

/** A district of its own for one test (`code` made unique), so no other test's staff share it. */
async function newDistrict(code: string, name: string) {
  const [district] = await bot.db
    .insert(districts)
    .values({ code: `${code}-${Date.now()}`, name, kind: 'municipal' })
    .returning();
  return district!;
}

const texts = (userId: number) => bot.emulator.messages(userId).map((m) => m.text ?? '');
const buttons = (message: StoredMessage) => message.reply_markup?.inline_keyboard?.flat() ?? [];

async function curator(districtId: number, name: string) {
  const user = bot.emulator.createUser({ first_name: name.split(' ')[0]!, language_code: 'ru' });
  const member = await createStaffMember(bot.db, {
    telegramId: user.id,
    fullName: name,
    districtIds: [districtId],
  });
  return { user, member };
}

/** «Нужна помощь» → «Другое» → a text → no comment, no files → «Отправить»: the confirmation. */
async function askForHelp(chat: FamilyChat, text: string) {
  await chat.say('Нужна помощь', 'С чем нужна помощь');
  await chat.press('Другое', 'своими словами');
  await chat.say(text, 'добавить для куратора');
  await chat.press('Пропустить', 'документы или фото');
  await chat.press('Пропустить', 'Проверьте заявку');
  return chat.press('✅ Отправить куратору', 'принята');
}

/**
 * Ирина, a registered family of a district where no curator can take her request, through «Отправить»:
 * her chat and the request's number.
 */
async function uncuratedFamilyAsks(districtId: number) {
  const familyUser = bot.emulator.createUser({ first_name: 'Ирина', language_code: 'ru' });
  await createRegisteredFamily(bot.db, { telegramId: familyUser.id, curatorId: null, districtId });
  const chat = familyChat(bot.emulator, familyUser.id);
  await chat.say('/menu', 'Главное меню');
  const confirmed = await askForHelp(chat, 'Помогите с документами');
  return { familyUser, chat, number: /№ (\d+)/.exec(confirmed.text ?? '')![1]! };
}

/**
 * Павел, a curator about to leave, with the card of Ольга's new request in his chat; `colleague`: a second
 * curator of his district (none: nobody there could take it over).
 */
async function leavingWithACard(colleague?: string) {
  const district = await newDistrict('leaving', 'Район ухода');
  const pavel = await curator(district.id, 'Павел Уходящий');
  const natalia = colleague === undefined ? undefined : await curator(district.id, colleague);
  const familyUser = bot.emulator.createUser({ first_name: 'Ольга', language_code: 'ru' });
  await createRegisteredFamily(bot.db, {
    telegramId: familyUser.id,
    curatorId: pavel.member.id,
    districtId: district.id,
    memberName: 'Ольга Сидорова',
  });
  const chat = familyChat(bot.emulator, familyUser.id);
  await chat.say('/menu', 'Главное меню');
  const confirmed = await askForHelp(chat, 'Нужно наколоть дрова на зиму');
  const number = /Заявка № (\d+) принята/.exec(confirmed.text ?? '')![1]!;
  const card = await bot.emulator.waitForMessage(
    pavel.user.id,
    (m) => m.text?.includes(`№ ${number}`) ?? false,
    10_000,
  );
  const sentToPavel = bot.emulator.messages(pavel.user.id, { from: 'bot' }).length;
  return { pavel, natalia: natalia!, familyUser, number, card, sentToPavel, chat };
}

describe('who has the request', () => {
  it('the family is told the name of the curator the card reached, not of the one who blocked the bot', async () => {
    const district = await districtByCode(bot.db, 'dankov');
    const oleg = await curator(district.id, 'Олег Смирнов');
    const anna = await curator(district.id, 'Анна Петрова');
    bot.emulator.setBlocked(oleg.user.id, true);
    const familyUser = bot.emulator.createUser({ first_name: 'Мария', language_code: 'ru' });
    await createRegisteredFamily(bot.db, {
      telegramId: familyUser.id,
      curatorId: oleg.member.id,
      districtId: district.id,
    });
    const chat = familyChat(bot.emulator, familyUser.id);
    await chat.say('/menu', 'Главное меню');

    const confirmed = await askForHelp(chat, 'Нужно наколоть дрова на зиму');
    const number = /Заявка № (\d+) принята/.exec(confirmed.text ?? '')![1]!;
    // The summary they pressed now reads as the request sent, its number under it, no buttons left.
    expect(confirmed.text).toMatch(/^Проверьте заявку:\nДругое\n/);
    expect(confirmed.text).not.toContain('Всё верно?');
    expect(confirmed.text).toContain(
      `\n\nЗаявка № ${number} принята, передаём её куратору. Куратор свяжется с вами.\nСледить за заявкой можно в разделе «Мои заявки».`,
    );
    expect(confirmed.reply_markup).toBeUndefined();
    const told = await chat.next('доставлена куратору');
    expect(told.text).toBe(`Заявка № ${number} доставлена куратору. Ею займётся Анна Петрова.`);
    await bot.emulator.waitForMessage(anna.user.id, (m) => m.text?.includes(`№ ${number}`) ?? false, 10_000);
    expect(texts(familyUser.id).join('\n')).not.toContain('Олег');
  });

  it('when only the district supervisor can take it, the family is told that, once', async () => {
    // No curator anywhere can take it: on-call duty left over from other files would, so it is switched off.
    await bot.db.update(staff).set({ onCall: false }).where(eq(staff.onCall, true));
    const district = await districtByCode(bot.db, 'terbuny');
    const supervisors = [];
    for (const name of ['Елена Руководитель', 'Игорь Руководитель']) {
      const user = bot.emulator.createUser({ first_name: name.split(' ')[0]!, language_code: 'ru' });
      await createStaffMember(bot.db, {
        role: 'supervisor',
        telegramId: user.id,
        fullName: name,
        districtIds: [district.id],
      });
      supervisors.push(user);
    }
    const { familyUser, chat, number } = await uncuratedFamilyAsks(district.id);
    for (const user of supervisors) {
      await bot.emulator.waitForMessage(user.id, (m) => m.text?.includes(`№ ${number}`) ?? false, 10_000);
    }
    const told = await chat.next('передана руководителю');
    expect(told.text).toBe(
      `Заявка № ${number} передана руководителю кураторов вашего района — он назначит куратора.`,
    );
    // Two supervisors got the card; the family reads it once. A marker message proves the chat has settled.
    await chat.say('/menu', 'Главное меню');
    expect(texts(familyUser.id).filter((t) => t.includes('передана руководителю'))).toHaveLength(1);
    const notices = await bot.db
      .select({ id: notifications.id })
      .from(notifications)
      .where(
        and(eq(notifications.kind, 'family_request_delivered'), eq(notifications.chatId, familyUser.id)),
      );
    expect(notices).toHaveLength(1);
  });
});

describe('a curator is told when a family becomes theirs', () => {
  it('on registration, with the applicant, the district and the family card a tap away', async () => {
    const district = await districtByCode(bot.db, 'gryazi');
    const vera = await curator(district.id, 'Вера Кузнецова');
    // The least-loaded curator gets the family: the others of this district carry a family each.
    const others = await bot.db.select({ id: staff.id }).from(staff).where(eq(staff.role, 'curator'));
    for (const other of others) {
      if (other.id === vera.member.id) continue;
      await createRegisteredFamily(bot.db, {
        telegramId: bot.emulator.createUser({ first_name: 'Другая' }).id,
        curatorId: other.id,
        districtId: district.id,
      });
    }
    const familyUser = bot.emulator.createUser({ first_name: 'Мария', language_code: 'ru' });
    await registerThroughBot(familyChat(bot.emulator, familyUser.id), '+79005550101');

    const notice = await bot.emulator.waitForMessage(
      vera.user.id,
      (m) => m.text?.includes('👋') ?? false,
      10_000,
    );
    expect(notice.text).toBe(
      [
        '👋 Новая семья зарегистрировалась в боте и закреплена за вами.',
        'Заявитель: Иванова Мария Петровна',
        'Район: Грязинский район',
        'Кто в семье и какие меры поддержки она уже получает — в карточке семьи, кнопка ниже. Заявки семьи будут приходить сюда.',
      ].join('\n'),
    );
    expect(buttons(notice).map((b) => b.text)).toEqual(['Карточка семьи']);
    bot.emulator.pressButtonByText(vera.user.id, notice.message_id, 'Карточка семьи');
    const card = await bot.emulator.waitForMessage(
      vera.user.id,
      (m) => m.text?.includes('Иванова Мария Петровна') === true && m.message_id !== notice.message_id,
      10_000,
    );
    expect(card.text).toContain('Иванов Пётр Сергеевич');
  });

  it('when their colleague leaves the service and the family is handed to them', async () => {
    const district = await districtByCode(bot.db, 'usman');
    const leaving = await curator(district.id, 'Павел Уходящий');
    const staying = await curator(district.id, 'Наталья Остающаяся');
    const familyUser = bot.emulator.createUser({ first_name: 'Ольга', language_code: 'ru' });
    await createRegisteredFamily(bot.db, {
      telegramId: familyUser.id,
      curatorId: leaving.member.id,
      districtId: district.id,
      memberName: 'Ольга Сидорова',
    });
    await deactivateStaff({ db: bot.db }, leaving.member.id);
    const notice = await bot.emulator.waitForMessage(
      staying.user.id,
      (m) => m.text?.includes('👋') ?? false,
      10_000,
    );
    expect(notice.text).toContain('👋 Вам передана семья: прежний куратор больше не работает в службе.');
    expect(notice.text).toContain('Заявитель: Ольга Сидорова\nРайон: Усманский район');
  });

  // Deactivation hands the open requests over with the family; only a take-back reaches the former curator.
  it('when their colleague leaves with an open request: its card comes with the family, the former curator is sent nothing more', async () => {
    const { pavel, natalia, familyUser, number, card, sentToPavel } =
      await leavingWithACard('Наталья Остающаяся');

    await deactivateStaff({ db: bot.db }, pavel.member.id);

    const handed = await bot.emulator.waitForMessage(
      natalia.user.id,
      (m) => m.text?.startsWith(`Вам передана заявка № ${number}:`) ?? false,
      10_000,
    );
    expect(handed.text).toContain(
      `Вам передана заявка № ${number}: прежний куратор больше не работает в службе.`,
    );
    expect(handed.text).toContain('Нужно наколоть дрова на зиму');
    // The family's notice goes before its requests' cards.
    const family = bot.emulator
      .messages(natalia.user.id, { from: 'bot' })
      .find((m) => m.text?.startsWith('👋'));
    expect(family?.text).toContain('👋 Вам передана семья: прежний куратор больше не работает в службе.');
    expect(family?.text).toContain(`№ ${number}`);
    await bot.emulator.waitForMessage(
      familyUser.id,
      (m) => m.text?.includes('Ваш новый куратор — Наталья Остающаяся') ?? false,
      10_000,
    );
    // Павел's card is taken back (its text replaced, buttons gone); nothing new reaches his chat.
    const edited = await bot.emulator.waitForEdit(pavel.user.id, card.message_id, 10_000, {
      afterVersion: 0,
    });
    expect(edited.text).toContain(`Заявка № ${number} передана другому куратору: Наталья Остающаяся.`);
    expect(bot.emulator.messages(pavel.user.id, { from: 'bot' })).toHaveLength(sentToPavel);
  });

  // Nobody in the district can take the request over, and the district has no supervisor of its own: the
  // regional supervisors have it (routing's supervisorsFor), and the former curator's card says so.
  it('when a curator leaves and no colleague can take the request: their card says it went to the regional supervisor', async () => {
    const { pavel, card, number, sentToPavel } = await leavingWithACard();
    const regional = bot.emulator.createUser({ first_name: 'Игорь', language_code: 'ru' });
    await createStaffMember(bot.db, {
      role: 'supervisor',
      regional: true,
      telegramId: regional.id,
      fullName: 'Игорь Региональный',
    });
    const rec = recordTranscripts(bot.emulator);
    rec.name(pavel.user.id, 'Павел');

    await deactivateStaff({ db: bot.db }, pavel.member.id);

    const edited = await bot.emulator.waitForEdit(pavel.user.id, card.message_id, 10_000, {
      afterVersion: 0,
    });
    expect(edited.text).toBe(
      `Заявка № ${number} передана региональному руководителю. Действия по ней вам больше недоступны, кнопки убраны.`,
    );
    expect(buttons(edited)).toEqual([]);
    expect(bot.emulator.messages(pavel.user.id, { from: 'bot' })).toHaveLength(sentToPavel);
    printChat('Павел (куратор ушёл, коллег в районе нет)', rec.render(pavel.user.id));
    rec.stop();
  });

  // A former employee keeps no family's data: the family card they opened and the card of a request that
  // was closed are taken back too, beside the open request's card.
  it("when a curator leaves: the family card they opened and a closed request's card are taken back as well", async () => {
    const rec = recordTranscripts(bot.emulator);
    const {
      pavel,
      natalia,
      number: closedNumber,
      card: closedCard,
      chat,
    } = await leavingWithACard('Наталья Остающаяся');
    rec.name(pavel.user.id, 'Павел');
    // The first request was resolved meanwhile; its card stays in Павел's chat as it was.
    await bot.db.execute(
      sql`update requests set status = 'resolved', resolved_at = now() where number = ${Number(closedNumber)}`,
    );
    const confirmed = await askForHelp(chat, 'Нужна помощь с оформлением пособия');
    const number = /Заявка № (\d+) принята/.exec(confirmed.text ?? '')![1]!;
    const card = await bot.emulator.waitForMessage(
      pavel.user.id,
      (m) => m.text?.includes(`№ ${number}`) ?? false,
      10_000,
    );
    bot.emulator.pressButtonByText(pavel.user.id, card.message_id, 'Карточка семьи');
    const familyCard = await bot.emulator.waitForMessage(
      pavel.user.id,
      (m) => (m.text?.includes('Ольга Сидорова') ?? false) && m.message_id > card.message_id,
      10_000,
    );
    // The family card is recorded just after it is sent: the deactivation comes once it is (one recorded
    // while the deactivation commits takes itself back as «учётная запись отключена»: supervision.departure.test).
    await sentRecorded(bot.db, pavel.user.id, familyCard.message_id);
    rec.note(pavel.user.id, 'администратор отключает учётную запись Павла');

    await deactivateStaff({ db: bot.db }, pavel.member.id);

    const editedText = async (messageId: number) =>
      (await bot.emulator.waitForEdit(pavel.user.id, messageId, 15_000, { afterVersion: 0 })).text;
    expect(await editedText(closedCard.message_id)).toBe(
      `Заявка № ${closedNumber}: ваша учётная запись сотрудника отключена, сведения убраны. Спасибо за вашу работу!`,
    );
    expect(await editedText(card.message_id)).toBe(
      `Заявка № ${number} передана другому куратору: Наталья Остающаяся. Действия по ней вам больше недоступны, кнопки убраны.`,
    );
    expect(await editedText(familyCard.message_id)).toBe(
      'Семья передана другому куратору: Наталья Остающаяся. Её сообщения вам больше не приходят.',
    );
    const shown = bot.emulator.messages(pavel.user.id, { from: 'bot' });
    expect(shown.map((m) => m.text ?? '').join('\n')).not.toContain('Ольга');
    expect(shown.flatMap(buttons)).toEqual([]);
    await bot.emulator.waitForMessage(
      natalia.user.id,
      (m) => m.text?.startsWith(`Вам передана заявка № ${number}:`) ?? false,
      10_000,
    );
    printChat('Павел (куратор ушёл, семья передана Наталье)', rec.render(pavel.user.id));
    rec.stop();
  });
});

describe('a supervisor leaves the service', () => {
  it('their card of a request is taken back: their access ended, the request is not "handed" to them', async () => {
    await bot.db.update(staff).set({ onCall: false }).where(eq(staff.onCall, true));
    const district = await newDistrict('no-curators', 'Район без кураторов');
    const elenaUser = bot.emulator.createUser({ first_name: 'Елена', language_code: 'ru' });
    const elena = await createStaffMember(bot.db, {
      role: 'supervisor',
      telegramId: elenaUser.id,
      fullName: 'Елена Руководитель',
      districtIds: [district.id],
    });
    const { number } = await uncuratedFamilyAsks(district.id);
    const card = await bot.emulator.waitForMessage(
      elenaUser.id,
      (m) => m.text?.includes(`№ ${number}`) ?? false,
      10_000,
    );
    const rec = recordTranscripts(bot.emulator);
    rec.name(elenaUser.id, 'Елена');

    await deactivateStaff({ db: bot.db }, elena.id);

    const edited = await bot.emulator.waitForEdit(elenaUser.id, card.message_id, 10_000, { afterVersion: 0 });
    expect(edited.text).toBe(
      `Заявка № ${number}: ваша учётная запись сотрудника отключена, сведения убраны. Спасибо за вашу работу!`,
    );
    expect(buttons(edited)).toEqual([]);
    printChat('Елена (руководитель ушла)', rec.render(elenaUser.id));
    rec.stop();
  });
});

/** A district of its own with a curator (Анна) and a psychologist (Софья), free round the clock. */
async function districtWithPsychologist() {
  const district = await newDistrict('psy-leaving', 'Район психолога');
  const anna = await curator(district.id, 'Анна Куратор');
  const sofiaUser = bot.emulator.createUser({ first_name: 'Софья', language_code: 'ru' });
  const sofia = await createStaffMember(bot.db, {
    role: 'psychologist',
    telegramId: sofiaUser.id,
    fullName: 'Софья Уходящая',
    districtIds: [district.id],
  });
  await roundTheClock(bot.db, sofia.id);
  return { district: district, anna, sofia, sofiaUser };
}

/**
 * The family presses a slot of its offer (the first, or the last: three hours on at least, so the family may
 * still cancel it), by video: Софья's «Новая запись № …».
 */
async function bookSlotOf(
  userId: number,
  requestId: number,
  psychologistChat: number,
  which: 'first' | 'last',
) {
  const offer = await bot.emulator.waitForMessage(userId, isOffer, 20_000);
  const confirmed = bot.emulator.waitForEdit(userId, offer.message_id, 15_000);
  bot.emulator.pressButton(
    userId,
    offer.message_id,
    `${slotButtons(offer)
      .at(which === 'first' ? 0 : -1)!
      .data.replace('psy:s:', 'psy:f:')}:video`,
  );
  const confirmation = await confirmed;
  const [booking] = (await bookedOf(bot.db, requestId)).filter((row) => row.status === 'booked');
  const told = await bot.emulator.waitForMessage(
    psychologistChat,
    (m) => m.text?.includes(`Новая запись № ${booking!.id}`) ?? false,
    15_000,
  );
  return { booking: booking!, confirmation, told };
}

describe('a psychologist leaves the service', () => {
  // Their chat named families (bookings, a family's cancellation, /week, a booking's notes): each message is
  // taken back with the booking's number and what became of it; the families are told, the psychologist
  // gets no notice of the cancellations their leaving made.
  it('their bookings, cancellations, week and notes are taken back, each saying what became of the booking', async () => {
    const { district, anna, sofia, sofiaUser } = await districtWithPsychologist();
    const rec = recordTranscripts(bot.emulator);
    rec.name(sofiaUser.id, 'Софья');
    const ksenia = await familyAskingForPsychologist(bot, {
      districtId: district.id,
      curatorId: anna.member.id,
      name: 'Ксения',
    });
    const kept = await bookSlotOf(ksenia.user.id, ksenia.request.id, sofiaUser.id, 'first');
    expect(kept.told.text).toContain('Семья: Ксения.');
    const nina = await familyAskingForPsychologist(bot, {
      districtId: district.id,
      curatorId: anna.member.id,
      name: 'Нина',
    });
    const dropped = await bookSlotOf(nina.user.id, nina.request.id, sofiaUser.id, 'last');
    // Нина cancels herself: «Отменить запись», «Да, отменить»; Софья is told.
    const sure = bot.emulator.waitForEdit(nina.user.id, dropped.confirmation.message_id, 15_000);
    bot.emulator.pressButtonByText(nina.user.id, dropped.confirmation.message_id, 'Отменить запись');
    await sure;
    bot.emulator.pressButtonByText(nina.user.id, dropped.confirmation.message_id, 'Да, отменить');
    const cancelNotice = await bot.emulator.waitForMessage(
      sofiaUser.id,
      (m) => m.text?.includes(`Семья отменила запись № ${dropped.booking.id}`) ?? false,
      15_000,
    );
    const sofiaChat = familyChat(bot.emulator, sofiaUser.id);
    await sofiaChat.say(`/note ${kept.booking.id} Ксения тревожится за сына`, 'Заметка сохранена');
    const week = await sofiaChat.say('/week', 'Консультации на неделю');
    expect(week.text).toContain('Ксения');
    bot.emulator.pressButtonByText(sofiaUser.id, kept.told.message_id, 'Заметки');
    const notes = await sofiaChat.next('Заметки к записи');
    // The notes shown are recorded just after the reply (a staff view): the admin acts after that.
    await sentRecorded(bot.db, sofiaUser.id, notes.message_id);
    const sentToSofia = bot.emulator.messages(sofiaUser.id, { from: 'bot' }).length;
    const [{ lastId } = { lastId: 0 }] = await bot.db
      .select({ lastId: sql<number>`coalesce(max(${notifications.id}), 0)::int` })
      .from(notifications);
    rec.note(sofiaUser.id, 'администратор отключает учётную запись Софьи');

    const result = await deactivateStaff({ db: bot.db }, sofia.id);
    expect(result?.consultationsCancelled).toBe(1);

    const editedText = async (messageId: number) =>
      (await bot.emulator.waitForEdit(sofiaUser.id, messageId, 15_000, { afterVersion: 0 })).text;
    const cancelledByLeaving = `Запись № ${kept.booking.id} отменена: ваша учётная запись сотрудника отключена, сведения о семье убраны. Семье мы сообщили и предложили записаться снова. Спасибо за вашу работу!`;
    expect(await editedText(kept.told.message_id)).toBe(cancelledByLeaving);
    expect(await editedText(notes.message_id)).toBe(cancelledByLeaving);
    const closedBefore = `Запись № ${dropped.booking.id}: ваша учётная запись сотрудника отключена, сведения о семье убраны. Спасибо за вашу работу!`;
    expect(await editedText(dropped.told.message_id)).toBe(closedBefore);
    expect(await editedText(cancelNotice.message_id)).toBe(closedBefore);
    expect(await editedText(week.message_id)).toBe(
      'Ваша учётная запись сотрудника отключена, сведения убраны. Спасибо за вашу работу!',
    );
    // What Софья typed herself (`/note …`) is deleted from her chat.
    const typed = bot.emulator.messages(sofiaUser.id).find((m) => m.text?.startsWith('/note'));
    await eventually(
      async () =>
        bot.emulator.messages(sofiaUser.id).find((m) => m.message_id === typed?.message_id)?.deleted === true,
      15_000,
      'the typed note deleted',
    );
    // The family is told and offered new slots; Софья's chat shows no family and gets nothing new.
    const told = await bot.emulator.waitForMessage(
      ksenia.user.id,
      (m) => m.text?.includes('пришлось отменить') ?? false,
      15_000,
    );
    expect(told.text).toContain('психолог больше не ведёт консультации');
    await bot.settled();
    const shown = bot.emulator.messages(sofiaUser.id, { from: 'bot' });
    expect(shown).toHaveLength(sentToSofia);
    for (const name of ['Ксения', 'Нина', 'тревожится']) {
      expect(shown.map((m) => m.text ?? '').join('\n')).not.toContain(name);
    }
    expect(shown.flatMap(buttons)).toEqual([]);
    const [after] = await bot.db.select().from(consultations).where(eq(consultations.id, kept.booking.id));
    expect(after).toMatchObject({ status: 'cancelled', cancelReason: 'left', cancelledBy: 'staff' });
    // Only take-backs were made for her once she left: no cancellation notice was addressed to her.
    const sinceLeaving = await bot.db
      .select({ kind: notifications.kind, status: notifications.status })
      .from(notifications)
      .where(and(eq(notifications.recipientStaffId, sofia.id), sql`${notifications.id} > ${lastId}`));
    expect(new Set(sinceLeaving.map((row) => `${row.kind} ${row.status}`))).toEqual(
      new Set(['staff_message_retracted sent']),
    );
    printChat('Софья (психолог ушла)', rec.render(sofiaUser.id));
    rec.stop();
  });
});

describe('an on-call curator leaves the service', () => {
  // The crisis alert told them to stand by for a request that was never theirs: it is taken back saying
  // their access ended, not that the request was «handed to another curator».
  it('their crisis alert of a request that was never theirs says their access ended', async () => {
    await bot.db.update(staff).set({ onCall: false }).where(eq(staff.onCall, true));
    const { district, anna } = await districtWithPsychologist();
    const petrUser = bot.emulator.createUser({ first_name: 'Пётр', language_code: 'ru' });
    const petr = await createStaffMember(bot.db, {
      telegramId: petrUser.id,
      fullName: 'Пётр Дежурный',
      districtIds: [(await districtByCode(bot.db, 'lipetsk-city')).id],
      onCall: true,
    });
    const rec = recordTranscripts(bot.emulator);
    rec.name(petrUser.id, 'Пётр');
    const { request } = await familyAskingForPsychologist(bot, {
      districtId: district.id,
      curatorId: anna.member.id,
      name: 'Дарья',
      urgent: true,
    });
    const alert = await bot.emulator.waitForMessage(
      petrUser.id,
      (m) => m.text?.includes(`№ ${request.number}`) ?? false,
      15_000,
    );
    expect(alert.text).toContain('Вы дежурный куратор');
    rec.note(petrUser.id, 'администратор отключает учётную запись Петра');

    await deactivateStaff({ db: bot.db }, petr.id);

    const edited = await bot.emulator.waitForEdit(petrUser.id, alert.message_id, 15_000, { afterVersion: 0 });
    expect(edited.text).toBe(
      `Заявка № ${request.number}: ваша учётная запись сотрудника отключена, сведения убраны. Спасибо за вашу работу!`,
    );
    // The request stays Анна's, as it was.
    const [still] = await bot.db.select().from(requests).where(eq(requests.id, request.id));
    expect(still?.curatorId).toBe(anna.member.id);
    const [takeBack] = await bot.db
      .select({ payload: notifications.payload })
      .from(notifications)
      .where(and(eq(notifications.kind, 'staff_message_retracted'), eq(notifications.chatId, petrUser.id)));
    expect(takeBack?.payload).toMatchObject({ messageId: alert.message_id, reason: 'access_ended' });
    printChat('Пётр (дежурный куратор ушёл)', rec.render(petrUser.id));
    rec.stop();
  });
});

describe('a deputy leaves the service', () => {
  // Олег stood in for Анна and got her family's general question; the family was never his. His copy is
  // taken back saying his access ended, not that the family was «handed to another curator» (it stays Анна's).
  it('a family message they got as a deputy says their access ended', async () => {
    const district = await newDistrict('deputy', 'Район заместителя');
    const anna = await curator(district.id, 'Анна Петрова');
    const oleg = await curator(district.id, 'Олег Заместитель');
    await bot.db
      .update(staff)
      .set({ awayUntil: new Date(Date.now() + 86_400_000), deputyId: oleg.member.id })
      .where(eq(staff.id, anna.member.id));
    const familyUser = bot.emulator.createUser({ first_name: 'Вера', language_code: 'ru' });
    const { family } = await createRegisteredFamily(bot.db, {
      telegramId: familyUser.id,
      curatorId: anna.member.id,
      districtId: district.id,
      memberName: 'Вера Кузнецова',
    });
    const rec = recordTranscripts(bot.emulator);
    rec.name(oleg.user.id, 'Олег');
    const chat = familyChat(bot.emulator, familyUser.id);
    await chat.say('/menu', 'Главное меню');
    await chat.say('Написать куратору', 'О чём вы хотите написать');
    await chat.press('Общий вопрос', 'Напишите сообщение куратору');
    await chat.say('Когда придут выплаты?', 'Передаём куратору');
    const copy = await bot.emulator.waitForMessage(
      oleg.user.id,
      (m) => m.text?.includes('выплаты') ?? false,
      15_000,
    );
    expect(copy.text).toContain('как заместителю');
    await eventually(
      async () =>
        (
          await bot.db
            .select({ n: sql<number>`count(*)::int` })
            .from(notifications)
            .where(
              and(eq(notifications.recipientStaffId, oleg.member.id), eq(notifications.status, 'pending')),
            )
        )[0]!.n === 0,
      15_000,
      'the copy sent',
    );
    rec.note(oleg.user.id, 'администратор отключает учётную запись Олега');

    await deactivateStaff({ db: bot.db }, oleg.member.id);

    const edited = await bot.emulator.waitForEdit(oleg.user.id, copy.message_id, 15_000, { afterVersion: 0 });
    expect(edited.text).toBe(
      'Ваша учётная запись сотрудника отключена, сведения убраны. Спасибо за вашу работу!',
    );
    const [still] = await bot.db
      .select({ curatorId: families.curatorId })
      .from(families)
      .where(eq(families.id, family.id));
    expect(still?.curatorId).toBe(anna.member.id);
    printChat('Олег (заместитель ушёл)', rec.render(oleg.user.id));
    rec.stop();
  });
});
