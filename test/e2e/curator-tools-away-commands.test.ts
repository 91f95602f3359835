import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { requestEvents, requests, staff } from '../../src/db/schema/index.js';
import { effectiveCuratorId } from '../../src/features/routing/routing.usecases.js';
import { createStaffInvite } from '../../src/features/staff/staff.usecases.js';
import { regionDate } from '../../src/time.js';
import { useE2E } from '../helpers/e2e.js';
import { familyChat, registerThroughBot } from '../helpers/family-dialogue.js';
import { eventually } from '../helpers/pipeline.js';

/** Absence with a deputy, and what each role finds in its command menu and its /help. */
const bot = useE2E();

/** A date `days` ahead as people type it (dd.mm.yyyy), in the region's time zone. */
function typedDate(days: number) {
  const iso = regionDate(Date.now() + days * 86_400_000, bot.config.timeZone);
  return { iso, typed: iso.split('-').reverse().join('.') };
}

describe('absence', () => {
  it('sends a new request of the away curator’s family to the deputy, and to the curator again after /back', async () => {
    const {
      staff: { anna, boris },
      families: { maria },
    } = await bot.seed({
      staff: {
        anna: { name: 'Анна Петрова', districts: ['gryazi'] },
        boris: { name: 'Борис Орлов', districts: ['gryazi'] },
      },
      families: { maria: { curator: 'anna' } },
    });

    const chat = familyChat(bot.emulator, anna.chat);
    await chat.say('/away', 'До какой даты');
    // Today is not an absence: the curator is asked again.
    const today = typedDate(0);
    await chat.say(today.typed, 'позже сегодняшней');
    await chat.next('До какой даты');
    const back = typedDate(10);
    await chat.say(back.typed, 'Кто вас заменит');
    const set = await chat.press('Борис Орлов', 'Отметили');
    expect(set.text).toBe(
      `Отметили: вас нет до ${back.typed}, замещает Борис Орлов. Новые заявки ваших семей придут заместителю. Вернуться раньше — /back.`,
    );
    const [away] = await bot.db.select().from(staff).where(eq(staff.id, anna.id));
    expect(away!.deputyId).toBe(boris.id);
    expect(regionDate(away!.awayUntil!.getTime(), bot.config.timeZone)).toBe(back.iso);
    expect(regionDate(away!.awayUntil!.getTime() - 1, bot.config.timeZone)).not.toBe(back.iso);
    expect(await effectiveCuratorId(bot.db, anna.id)).toBe(boris.id);
    // At the date she is back by herself: routing and reminders compare with the time.
    expect(await effectiveCuratorId(bot.db, anna.id, away!.awayUntil!)).toBe(anna.id);

    const {
      requests: { request },
    } = await bot.seed({ requests: { request: { family: maria, routedTo: boris } } });
    const card = request.card!;
    expect(card.text).toContain('Новая заявка');
    const [routed] = await bot.db.select().from(requests).where(eq(requests.id, request.id));
    expect(routed!.curatorId).toBe(boris.id);
    const events = await bot.db
      .select()
      .from(requestEvents)
      .where(eq(requestEvents.requestId, request.id))
      .orderBy(asc(requestEvents.id));
    expect(events.at(-1)).toMatchObject({ type: 'assigned', data: { staffId: boris.id, via: 'deputy' } });
    expect(bot.emulator.messages(anna.chat).some((m) => m.text?.includes(`№ ${request.number}`))).toBe(false);

    await chat.say('/back', 'С возвращением');
    const [present] = await bot.db.select().from(staff).where(eq(staff.id, anna.id));
    expect(present).toMatchObject({ awayUntil: null, deputyId: null });
    expect(await effectiveCuratorId(bot.db, anna.id)).toBe(anna.id);
    await bot.seed({ requests: { next: { family: maria, routedTo: anna } } });
    expect((await chat.say('/back')).text).toContain('отсутствие не отмечено');
  });

  it('is for curators: a supervisor typing /away is told so', async () => {
    const {
      staff: { vera },
    } = await bot.seed({ staff: { vera: { name: 'Вера', role: 'supervisor', districts: ['gryazi'] } } });
    const reply = await familyChat(bot.emulator, vera.chat).say('/away');
    expect(reply.text).toBe('Эта команда недоступна для вашей роли. Список ваших команд — /help.');
  });
});

describe('command menus and help', () => {
  const chatMenu = (chatId: number) =>
    bot.emulator
      .commands()
      .find((set) => set.scope.type === 'chat' && (set.scope as { chat_id: number }).chat_id === chatId)
      ?.commands.map((c) => c.command);

  it('differ for families, curators, supervisors and observers', async () => {
    const defaults = bot.emulator.commands().filter((set) => set.scope.type === 'all_private_chats');
    expect(defaults.map((set) => [set.language_code, set.commands.map((c) => c.command)])).toEqual([
      ['', ['start', 'help']],
      ['en', ['start', 'help']],
    ]);

    const menus: Record<string, string[] | undefined> = {};
    for (const role of ['curator', 'supervisor', 'observer'] as const) {
      const { payload } = await createStaffInvite(
        { db: bot.db, ttlHours: 1 },
        { role, districtCodes: ['gryazi'], fullName: `Сотрудник ${role}` },
      );
      const user = bot.emulator.createUser({ first_name: role, language_code: 'ru' });
      await familyChat(bot.emulator, user.id).say(`/start ${payload}`);
      menus[role] = await eventually(async () => chatMenu(user.id), 10_000, `the ${role} menu`);
      const help = await familyChat(bot.emulator, user.id).say('/help');
      expect(help.text).toContain(
        { curator: 'Команды куратора', supervisor: 'Команды руководителя', observer: 'Команды наблюдателя' }[
          role
        ],
      );
    }
    expect(menus.curator).toEqual(['my', 'family', 'intake', 'field', 'away', 'back', 'help', 'cancel']);
    expect(menus.supervisor).toEqual([
      'overdue',
      'silent',
      'my',
      'family',
      'find',
      'stats',
      'export',
      'announce',
      'web',
      'help',
      'cancel',
    ]);
    expect(menus.observer).toEqual(['stats', 'export', 'web', 'help']);

    const familyUser = bot.emulator.createUser({ first_name: 'Мария', language_code: 'ru' });
    const family = familyChat(bot.emulator, familyUser.id);
    await registerThroughBot(family, '+79001112233');
    expect(await eventually(async () => chatMenu(familyUser.id), 10_000, 'the family menu')).toEqual([
      'menu',
      'help',
      'cancel',
    ]);
    const help = await family.say('/help');
    expect(help.text).not.toContain('Команды куратора');
    // A curator's command from a family member: a polite word and the family's menu, nothing else.
    const refused = await family.say('/intake');
    expect(refused.text).toContain('для сотрудников службы');
  });

  it('are set at /start for people who registered or were invited before the menus existed', async () => {
    const {
      staff: { oleg },
      families: { nina },
    } = await bot.seed({ staff: { oleg: { name: 'Олег' } }, families: { nina: {} } });
    const memberUser = { id: nina.chat };
    const curatorUser = { id: oleg.chat };
    expect(chatMenu(memberUser.id)).toBeUndefined();
    await familyChat(bot.emulator, memberUser.id).say('/start', 'уже зарегистрированы');
    await familyChat(bot.emulator, curatorUser.id).say('/start', 'уже подключён как сотрудник');
    expect(await eventually(async () => chatMenu(memberUser.id), 10_000, 'the member menu')).toEqual([
      'menu',
      'help',
      'cancel',
    ]);
    expect(await eventually(async () => chatMenu(curatorUser.id), 10_000, 'the curator menu')).toContain(
      'intake',
    );
  });

  it('gives an observer no family data: /my and /family are refused for the role', async () => {
    const {
      staff: { gleb },
    } = await bot.seed({ staff: { gleb: { name: 'Глеб', role: 'observer', regional: true } } });
    const chat = familyChat(bot.emulator, gleb.chat);
    expect((await chat.say('/my')).text).toContain('недоступна для вашей роли');
    expect((await chat.say('/family Иванова')).text).toContain('недоступна для вашей роли');
    const help = await chat.say('/help');
    expect(help.text).toContain('/stats');
    expect(help.text).not.toContain('/my');
  });
});
