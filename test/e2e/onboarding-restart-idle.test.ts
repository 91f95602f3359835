import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { familyMembers } from '../../src/db/schema/index.js';
import { useE2E } from '../helpers/e2e.js';
import { familyChat } from '../helpers/family-dialogue.js';
import { createStaffMember, districtByCode } from '../helpers/routing-factories.js';

const isStarted = (line: Record<string, unknown>) => line.msg === 'started';

describe('a dialogue survives a restart of the bot process', () => {
  // The bot is a process of its own: the test ends it with SIGTERM and starts a fresh one.
  const e2e = useE2E({ bot: false, pipeline: false });

  it('continues at the same step after SIGTERM and a fresh `--role=bot` process', async () => {
    let app = e2e.spawnRole('bot');
    await app.waitForLog(isStarted);
    const user = e2e.emulator.createUser({ first_name: 'Светлана', language_code: 'ru' });
    const chat = familyChat(e2e.emulator, user.id, 20_000);
    await chat.say('/start', 'Патронаж');
    await chat.next('Вы согласны');
    await chat.press('Даю согласие', 'номером телефона');
    await chat.shareOwnContact('+79991112233', 'номер получили');
    await chat.next('Как вас зовут');
    await chat.say('Орлова Светлана Игоревна', 'Кем вы приходитесь');

    expect((await app.stop('SIGTERM')).code).toBe(0);
    app = e2e.spawnRole('bot');
    await app.waitForLog(isStarted);

    // The button of the question asked by the old process still answers it.
    await chat.press('Мать', 'Фамилия, имя и отчество военнослужащего');
    await chat.say('Орлов Игорь Петрович', 'Дата рождения военнослужащего');
    await chat.press('Пропустить', 'В каком районе');
    await chat.press('городской округ город Липецк', 'Населённый пункт');
    await chat.say('Липецк', 'Адрес');
    await chat.press('Пропустить', 'дети');
    await chat.press('Пропустить', 'родственники');
    await chat.press('Пропустить', 'Сохранить?');
    await chat.press('Всё верно, сохранить', 'зарегистрирована');
    const members = await e2e.db.select().from(familyMembers).where(eq(familyMembers.telegramId, user.id));
    expect(members.map((m) => [m.fullName, m.relationship, m.phone])).toEqual([
      ['Орлова Светлана Игоревна', 'mother', '+79991112233'],
    ]);
  }, 60_000);
});

describe('a dialogue left alone is closed with a message', () => {
  // About a second of idleness instead of 24 hours.
  const bot = useE2E({ pipeline: false, env: { DIALOGUE_IDLE_HOURS: '0.0003' } });

  it('tells the person, drops the dialogue state, and the next message starts from the way back', async () => {
    // Another id than the first describe's user: both emulators number users from the same start.
    const user = bot.emulator.createUser({ id: 100_000_777, first_name: 'Инна', language_code: 'ru' });
    const chat = familyChat(bot.emulator, user.id);
    await chat.say('/start', 'Патронаж');
    await chat.next('Вы согласны');
    await chat.press('Даю согласие', 'номером телефона');
    expect(await bot.redis.exists(`${bot.config.redisPrefix}:dlg:${user.id}`)).toBe(1);

    const closed = await chat.next('закрыли незаконченную регистрацию');
    expect(closed.text).toContain('/start');
    expect(await bot.redis.exists(`${bot.config.redisPrefix}:dlg:${user.id}`)).toBe(0);
    expect(await bot.redis.zscore(`${bot.config.redisPrefix}:dlg:idle`, String(user.id))).toBeNull();
    bot.emulator.sendContact(user.id, { phone_number: '+79990001122' });
    expect((await chat.next()).text).toContain('/start');
  });

  it('a curator’s phone intake left alone: closed with her commands, not «регистрацию… /start»', async () => {
    const user = bot.emulator.createUser({ id: 100_000_778, first_name: 'Анна', language_code: 'ru' });
    const district = await districtByCode(bot.db, 'gryazi');
    await createStaffMember(bot.db, {
      telegramId: user.id,
      fullName: 'Анна Петрова',
      districtIds: [district.id],
    });
    const chat = familyChat(bot.emulator, user.id);
    await chat.say('/intake', 'Регистрируем семью по телефону');
    await chat.next('Телефон семьи');
    const closed = await chat.next('закрыли незаконченный разговор');
    expect(closed.text).toBe(
      'Мы не получили ответа и закрыли незаконченный разговор, ответы из него не сохранились. Ваши команды — /help.',
    );
  });
});
