import { describe, expect, it } from 'vitest';
import { requestEvents, requests } from '../../src/db/schema/index.js';
import { deadlinesFor } from '../../src/deadline-policies.js';
import { createStaffInvite } from '../../src/features/staff/staff.usecases.js';
import type { StoredMessage } from '../../src/sandbox/emulator/types.js';
import { useE2E } from '../helpers/e2e.js';
import { familyChat } from '../helpers/family-dialogue.js';
import { curatorWithFamily } from '../helpers/routed-request.js';

/**
 * Issue 13 §6: what each role reads is true for that role — the curator's /my flags what is overdue, the
 * family's history lists only what concerns the family, observers and regional supervisors are told
 * what this chat is for them.
 */
const bot = useE2E({ pipeline: false });

const buttons = (message: StoredMessage) => message.reply_markup?.inline_keyboard?.flat() ?? [];

async function petrovaWithFamily(name: string) {
  const both = await curatorWithFamily(bot, { curatorName: `${name} Петрова` });
  return { ...both, user: both.curatorUser };
}

/** A request of the curator waiting to be taken, its take deadline `minutes` from now (negative: past). */
async function requestDueIn(familyId: number, curatorId: number, minutes: number) {
  const createdAt = new Date(Date.now() - 3 * 3_600_000);
  const [row] = await bot.db
    .insert(requests)
    .values({
      familyId,
      category: 'nanny',
      details: {},
      status: 'assigned',
      curatorId,
      createdAt,
      ...deadlinesFor('nanny', 'normal', createdAt),
      takeDeadlineAt: new Date(Date.now() + minutes * 60_000),
    })
    .returning();
  return row!;
}

describe('/my', () => {
  it('says how many requests are overdue and marks each overdue one', async () => {
    const { user, curator, family } = await petrovaWithFamily('Анна');
    const late = await requestDueIn(family.id, curator.id, -45);
    const onTime = await requestDueIn(family.id, curator.id, 90);

    const list = await familyChat(bot.emulator, user.id).say('/my', 'Открытые заявки: 2');
    expect(list.text).toContain('Открытые заявки: 2, из них просрочены: 1 (⏰).');
    const labels = buttons(list).map((b) => b.text);
    expect(labels[0]).toMatch(new RegExp(`^№ ${late.number} · Няня · ⏰ просрочена, срок был \\d`));
    expect(labels[1]).toMatch(new RegExp(`^№ ${onTime.number} · Няня · до \\d`));
  });

  it('with nothing overdue, says nothing about it', async () => {
    const { user, curator, family } = await petrovaWithFamily('Вера');
    await requestDueIn(family.id, curator.id, 30);
    const list = await familyChat(bot.emulator, user.id).say('/my', 'Открытые заявки: 1');
    expect(list.text).not.toContain('просрочен');
    expect(buttons(list)[0]?.text).not.toContain('⏰');
  });
});

describe('the family’s history', () => {
  it('lists what happened to the request, not the service’s own workings', async () => {
    const { curator, familyUser, family, member } = await petrovaWithFamily('Ольга');
    const request = await requestDueIn(family.id, curator.id, 60);
    const at = (minutes: number) => new Date(Date.now() - (60 - minutes) * 60_000);
    await bot.db.insert(requestEvents).values([
      {
        requestId: request.id,
        type: 'created',
        actorKind: 'family',
        actorMemberId: member.id,
        createdAt: at(0),
      },
      { requestId: request.id, type: 'delivery_failed', actorKind: 'system', data: {}, createdAt: at(1) },
      { requestId: request.id, type: 'assigned', actorKind: 'system', data: {}, createdAt: at(2) },
      {
        requestId: request.id,
        type: 'family_card_viewed',
        actorKind: 'staff',
        actorStaffId: curator.id,
        createdAt: at(3),
      },
      {
        requestId: request.id,
        type: 'escalated',
        actorKind: 'system',
        data: { level: 'reminder' },
        createdAt: at(4),
      },
      {
        requestId: request.id,
        type: 'taken',
        actorKind: 'staff',
        actorStaffId: curator.id,
        createdAt: at(5),
      },
    ]);

    const chat = familyChat(bot.emulator, familyUser.id);
    const list = await chat.say('Мои заявки', 'Ваши заявки');
    bot.emulator.pressButtonByText(familyUser.id, list.message_id, `№ ${request.number} · Няня`);
    const card = await bot.emulator.waitForEdit(familyUser.id, list.message_id, 10_000);
    const history = card.text!.slice(card.text!.indexOf('История:'));
    expect(history).toContain('заявка создана');
    expect(history).toContain('назначен куратор');
    expect(history).toContain('взята в работу, ею занимается куратор');
    expect(history).not.toContain('карточку семьи');
    expect(history).not.toContain('не удалось доставить');
    expect(history.split('\n').filter((line) => line.includes(' — '))).toHaveLength(3);
  });
});

describe('staff roles', () => {
  async function join(role: 'curator' | 'supervisor' | 'observer', regional = false) {
    const { payload } = await createStaffInvite(
      { db: bot.db, ttlHours: 1 },
      regional
        ? { role, districtCodes: [], regional: true, fullName: 'Елена Руководитель' }
        : { role, districtCodes: ['gryazi'], fullName: `Сотрудник ${role}` },
    );
    const user = bot.emulator.createUser({ first_name: role, language_code: 'ru' });
    const chat = familyChat(bot.emulator, user.id);
    const welcome = await chat.say(`/start ${payload}`, 'добро пожаловать');
    return { chat, welcome: welcome.text ?? '' };
  }

  it('each is welcomed with what will really come to this chat', async () => {
    const curator = await join('curator');
    expect(curator.welcome).toContain('Вы подключены как социальный куратор.');
    expect(curator.welcome).toContain('карточки заявок ваших семей');

    const district = await join('supervisor');
    expect(district.welcome).toContain('руководитель кураторов ваших районов');
    expect(district.welcome).toContain('не взятых или не решённых в срок');

    const regional = await join('supervisor', true);
    expect(regional.welcome).toContain('Вы подключены как руководитель по региону.');
    expect(regional.welcome).not.toContain('руководитель кураторов');

    const observer = await join('observer');
    expect(observer.welcome).toContain('Вы подключены как наблюдатель.');
    expect(observer.welcome).toContain('Уведомления о заявках наблюдателям не приходят.');
    expect(observer.welcome).not.toContain('Новые заявки');
    for (const welcome of [curator, district, regional, observer]) {
      expect(welcome.welcome).toContain('Ваши команды — /help.');
    }
  });

  it('an observer asking for /find or /overdue is told what they can use instead', async () => {
    const observer = await join('observer');
    for (const command of ['/find 1042', '/overdue']) {
      const answer = await observer.chat.say(command);
      expect(answer.text).toBe(
        'Эта команда — для руководителей службы: она показывает отдельные заявки и семьи. Наблюдателям доступны /stats — статистика и /export — реестр заявок без персональных данных.',
      );
    }
    // A curator still gets the curator's answer.
    const curator = await join('curator');
    const refused = await curator.chat.say('/overdue');
    expect(refused.text).toContain('Ваши заявки приходят в этот чат карточками');
  });
});
