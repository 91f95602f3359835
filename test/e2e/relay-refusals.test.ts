import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  familyMembers,
  messages,
  notifications,
  requests,
  staff,
  staffDistricts,
} from '../../src/db/schema/index.js';
import { useE2E } from '../helpers/e2e.js';
import { eventually } from '../helpers/pipeline.js';
import { strangerCurator } from '../helpers/routed-request.js';
import { answerTo, delivered, messagesOf, takenRequest, WAIT } from './relay-fixtures.js';

/**
 * What the relay refuses or cannot do: a curator outside the request's scope (a forged button, a reply to
 * an old card), a family pressing a button for another family's request, and a family member who
 * blocked the bot — the curator is told, nothing is lost from the record.
 */
const bot = useE2E();

describe('relay refusals', () => {
  it('a curator of another district: a forged «Ответить» is refused and their message goes nowhere', async () => {
    const { F, request } = await takenRequest(bot);
    const stranger = await strangerCurator(bot);
    expect((await stranger.press(`cur:${request.id}:reply`)).text).toContain('не из ваших районов');
    expect((await stranger.press(`cur:${request.id}:wait`)).text).toContain('не из ваших районов');

    bot.emulator.sendText(stranger.chat, 'Здравствуйте, это чужой куратор.');
    await bot.emulator.waitForMessage(stranger.chat, undefined, WAIT);
    await delivered(bot);
    expect(await messagesOf(bot, request.id)).toEqual([]);
    expect(bot.emulator.messages(F).some((m) => (m.text ?? '').includes('чужой куратор'))).toBe(false);
  });

  it('a curator no longer covering the request: a reply to the old card is refused, nothing stored', async () => {
    const { C, F, curator, card, request, district } = await takenRequest(bot, 'Ольга Седова');
    const {
      staff: { successor },
    } = await bot.seed({ staff: { successor: { name: 'Нина Котова', districts: [district.code] } } });
    // The request went to a colleague and Ольга moved to another district.
    await bot.db.update(requests).set({ curatorId: successor.id }).where(eq(requests.id, request.id));
    await bot.db.delete(staffDistricts).where(eq(staffDistricts.staffId, curator.id));

    bot.emulator.sendText(C, 'Я всё ещё тут.', { replyTo: card.message_id });
    const refused = await bot.emulator.waitForMessage(C, undefined, WAIT);
    expect(refused.text).toBe(
      'Эта заявка не из ваших районов, действие недоступно. Если это ошибка, напишите руководителю.',
    );
    await delivered(bot);
    expect(await messagesOf(bot, request.id)).toEqual([]);
    expect(bot.emulator.messages(F).some((m) => (m.text ?? '').includes('всё ещё тут'))).toBe(false);
  });

  it('a family pressing a topic button of another family’s request is refused', async () => {
    const { request } = await takenRequest(bot, 'Вера Белова');
    const {
      families: { other },
    } = await bot.seed({
      families: { other: { district: 'gryazi' } },
      requests: { theirs: { family: 'other' } },
    });
    bot.emulator.sendText(other.chat, '/menu');
    const menu = await bot.emulator.waitForMessage(other.chat, undefined, WAIT);
    const forged = bot.emulator.pressButton(other.chat, menu.message_id, `rly:to:${request.id}`);
    expect((await answerTo(bot, forged.callback_query_id))?.text).toBe(
      'Это не ваша заявка. Нажмите «Написать куратору» и выберите заявку из списка.',
    );
    const malformed = bot.emulator.pressButton(other.chat, menu.message_id, 'rly:to:abc');
    expect((await answerTo(bot, malformed.callback_query_id))?.text).toBe(
      'Эта кнопка не действует. Откройте заявку из её карточки.',
    );
    bot.emulator.sendText(other.chat, 'Пишу в чужую заявку?');
    await bot.emulator.waitForMessage(other.chat, undefined, WAIT);
    await delivered(bot);
    expect(await messagesOf(bot, request.id)).toEqual([]);
  });

  it('a family member who blocked the bot: the copy is unreachable, the curator is told, the message kept', async () => {
    const { C, F, member, card, request } = await takenRequest(bot, 'Зоя Орлова');
    bot.emulator.setBlocked(F, true);
    bot.emulator.sendText(C, 'Вы дома сегодня?', { replyTo: card.message_id });
    const told = await bot.emulator.waitForMessage(C, (m) => (m.text ?? '').includes('не дошло'), WAIT);
    expect(told.text).toBe(
      `Ваше сообщение (заявка № ${request.number}) не дошло: член семьи заблокировал бота. ` +
        'Позвоните семье — телефон есть в «Карточке семьи».',
    );
    const [flagged] = await bot.db.select().from(familyMembers).where(eq(familyMembers.id, member.id));
    expect(flagged?.botBlocked).toBe(true);
    const [row] = await messagesOf(bot, request.id);
    expect(row).toMatchObject({ text: 'Вы дома сегодня?', familyMessageId: null, staffChatId: C });
    const copy = await eventually(
      async () =>
        (await bot.db.select().from(notifications).where(eq(notifications.kind, 'relay_to_family'))).find(
          (n) => n.payload.messageId === row!.id && n.status === 'unreachable',
        ),
      WAIT,
      'the copy marked unreachable',
    );
    expect(copy.lastError).toContain('403');
    const all = await bot.db.select().from(messages).where(eq(messages.requestId, request.id));
    expect(all).toHaveLength(1);
  });

  it('a curator who blocked the bot: the family’s message goes to the district supervisor instead', async () => {
    const { C, F, curator, card, request, district, toFamily } = await takenRequest(bot, 'Лидия Гусева');
    const {
      staff: { supervisor },
    } = await bot.seed({
      staff: { supervisor: { name: 'Павел Смирнов', role: 'supervisor', districts: [district.code] } },
    });
    bot.emulator.sendText(C, 'Напишите, когда будете дома.', { replyTo: card.message_id });
    const asked = await toFamily('когда будете дома');
    await delivered(bot);
    bot.emulator.setBlocked(C, true);

    bot.emulator.sendText(F, 'Будем дома после шести.', { replyTo: asked.message_id });
    const copy = await bot.emulator.waitForMessage(
      supervisor.chat,
      (m) => (m.text ?? '').includes('после шести'),
      WAIT,
    );
    expect(copy.text).toBe(
      `💬 Мария Иванова · заявка № ${request.number}\n(пришло вам: куратор семьи недоступен в боте)\n\nБудем дома после шести.`,
    );
    await eventually(
      async () => (await bot.db.select().from(staff).where(eq(staff.id, curator.id)))[0]?.botBlocked === true,
      WAIT,
      'the curator flagged as unreachable',
    );
    // The supervisor answers; the family gets it on the same request.
    await delivered(bot);
    bot.emulator.sendText(supervisor.chat, 'Спасибо, передам коллегам.', { replyTo: copy.message_id });
    expect((await toFamily('передам коллегам')).text).toBe(
      `💬 Руководитель Павел Смирнов · заявка № ${request.number}\n\nСпасибо, передам коллегам.`,
    );
  });
});
