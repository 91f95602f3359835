import { and, eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { Api } from 'grammy';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RequestCategory, RequestStatus } from '../../src/db/schema/enums.js';
import { auditLog, familyMembers, requests } from '../../src/db/schema/index.js';
import { deadlinesFor } from '../../src/deadline-policies.js';
import type { StoredMessage } from '../../src/sandbox/emulator/types.js';
import { useE2E } from '../helpers/e2e.js';
import { TEST_BOT_TOKEN, testEnv } from '../helpers/env.js';
import { createRegisteredFamily } from '../helpers/factories.js';
import { eventually } from '../helpers/pipeline.js';
import { createStaffMember, districtByCode } from '../helpers/routing-factories.js';
import { runEntry } from '../helpers/spawn.js';

/**
 * Supervisor and observer commands through the emulator with real PostgreSQL and Redis: /overdue, /stats,
 * /export (an .xlsx read back with exceljs), the observer's restricted copy, refusals, forged presses and
 * the admin audit listing.
 */
const bot = useE2E({ pipeline: false });
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A request written as it would stand after its history: times, status, curator, rating. */
async function seedRequest(options: {
  familyId: number;
  memberId?: number;
  category?: RequestCategory;
  createdAt: Date;
  status: RequestStatus;
  curatorId?: number | null;
  takenAfter?: number;
  resolvedAfter?: number;
  rating?: number;
  ratingComment?: string;
}) {
  const category = options.category ?? 'nanny';
  const created = options.createdAt;
  const at = (offset: number | undefined) =>
    offset === undefined ? null : new Date(created.getTime() + offset);
  const [row] = await bot.db
    .insert(requests)
    .values({
      familyId: options.familyId,
      memberId: options.memberId ?? null,
      category,
      details: {},
      status: options.status,
      curatorId: options.curatorId ?? null,
      createdAt: created,
      takenAt: at(options.takenAfter),
      takenById: options.takenAfter === undefined ? null : (options.curatorId ?? null),
      resolvedAt: at(options.resolvedAfter),
      closedAt: at(options.resolvedAfter),
      rating: options.rating ?? null,
      ratingComment: options.ratingComment ?? null,
      ...deadlinesFor(category, 'normal', created),
    })
    .returning();
  return row!;
}

async function staffUser(name: string, role: 'curator' | 'supervisor' | 'observer', districtCodes: string[]) {
  const user = bot.emulator.createUser({ first_name: name, language_code: 'ru' });
  const districtIds = [];
  for (const code of districtCodes) districtIds.push((await districtByCode(bot.db, code)).id);
  const member = await createStaffMember(bot.db, { telegramId: user.id, fullName: name, role, districtIds });
  return { user, member };
}

/** Sends a command and returns the bot's first answer after it. */
async function command(userId: number, text: string, match?: (m: StoredMessage) => boolean) {
  const before = Math.max(0, ...bot.emulator.messages(userId).map((m) => m.message_id));
  bot.emulator.sendText(userId, text);
  return bot.emulator.waitForMessage(userId, match, 15_000, { afterMessageId: before });
}

async function answerTo(callbackQueryId: string | undefined) {
  return eventually(
    async () => bot.emulator.callbackAnswers().find((a) => a.callback_query_id === callbackQueryId),
    10_000,
    'the answer to a button press',
  );
}

async function downloadDocument(message: StoredMessage) {
  expect(message.document?.file_name).toMatch(/\.xlsx$/);
  const api = new Api(TEST_BOT_TOKEN, { apiRoot: bot.emulator.url });
  const file = await api.getFile(message.document!.file_id);
  const response = await fetch(`${bot.emulator.url}/file/bot${TEST_BOT_TOKEN}/${file.file_path}`);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ArrayBuffer);
  return workbook;
}

const sheetRows = (sheet: ExcelJS.Worksheet) => {
  const rows: unknown[][] = [];
  sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
};

describe('/overdue', () => {
  it('lists the overdue requests of the scope, most overdue first, and opens a card', async () => {
    const { user: supervisor } = await staffUser('Руководитель Задонск', 'supervisor', ['zadonsk']);
    const zadonsk = await districtByCode(bot.db, 'zadonsk');
    const gryazi = await districtByCode(bot.db, 'gryazi');
    const { member: curator } = await staffUser('Куратор Задонск', 'curator', ['zadonsk']);
    const familyUser = bot.emulator.createUser({ first_name: 'Семья Задонск' });
    const { family, member } = await createRegisteredFamily(bot.db, {
      telegramId: familyUser.id,
      districtId: zadonsk.id,
      curatorId: curator.id,
    });
    const now = Date.now();
    const base = { familyId: family.id, memberId: member.id, curatorId: curator.id };
    // nanny: take within 2 h, resolve within 3 days; legal: 4 h / 10 days.
    const takeLate3h = await seedRequest({
      ...base,
      createdAt: new Date(now - 5 * HOUR),
      status: 'assigned',
    });
    const takeLate2h = await seedRequest({
      ...base,
      category: 'legal',
      createdAt: new Date(now - 6 * HOUR),
      status: 'new',
      curatorId: null,
    });
    const resolveLate1d = await seedRequest({
      ...base,
      createdAt: new Date(now - 4 * DAY),
      status: 'in_progress',
      takenAfter: HOUR,
    });
    const notYet = await seedRequest({ ...base, createdAt: new Date(now - HOUR), status: 'assigned' });
    const closed = await seedRequest({
      ...base,
      createdAt: new Date(now - 5 * DAY),
      status: 'resolved',
      takenAfter: HOUR,
      resolvedAfter: 4 * DAY,
    });
    const elsewhereFamily = await createRegisteredFamily(bot.db, {
      telegramId: bot.emulator.createUser({ first_name: 'Семья Грязи' }).id,
      districtId: gryazi.id,
    });
    const elsewhere = await seedRequest({
      familyId: elsewhereFamily.family.id,
      createdAt: new Date(now - 5 * HOUR),
      status: 'assigned',
    });

    const list = await command(supervisor.id, '/overdue');
    const text = list.text ?? '';
    expect(text).toContain('Просроченные заявки: 3 (страница 1 из 1)');
    const order = [resolveLate1d, takeLate3h, takeLate2h].map((r) => text.indexOf(`№ ${r.number} ·`));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    for (const absent of [notYet, closed, elsewhere]) expect(text).not.toContain(`№ ${absent.number} ·`);
    expect(text).toContain(`№ ${resolveLate1d.number} · Няня · Задонский район`);
    expect(text).toMatch(/Не решена в срок, просрочка 1 д/);
    expect(text).toMatch(/Не взята в работу, просрочка (2 ч 59 мин|3 ч)/);
    const buttons = list.reply_markup?.inline_keyboard.flat() ?? [];
    expect(buttons.map((b) => b.text)).toEqual([
      `№ ${resolveLate1d.number}`,
      `№ ${takeLate3h.number}`,
      `№ ${takeLate2h.number}`,
    ]);
    expect(buttons.map((b) => ('callback_data' in b ? b.callback_data : ''))).toEqual([
      `sup:${resolveLate1d.id}:open`,
      `sup:${takeLate3h.id}:open`,
      `sup:${takeLate2h.id}:open`,
    ]);

    const press = bot.emulator.pressButtonByText(supervisor.id, list.message_id, `№ ${takeLate3h.number}`);
    await answerTo(press.callback_query_id);
    const card = await bot.emulator.waitForMessage(
      supervisor.id,
      (m) => m.text?.includes(`№ ${takeLate3h.number}`) === true && m.message_id > list.message_id,
      10_000,
    );
    expect(card.text).toContain('Статус: передана куратору · куратор: Куратор Задонск');
    expect(card.reply_markup?.inline_keyboard.flat().map((b) => b.text)).toEqual([
      'Переназначить',
      'Передать семью другому куратору',
      'Карточка семьи',
    ]);
  });

  it('pages through a long list with ‹ and ›', async () => {
    const { user: supervisor } = await staffUser('Руководитель Липецкий район', 'supervisor', ['lipetsk']);
    const lipetsk = await districtByCode(bot.db, 'lipetsk');
    const { family } = await createRegisteredFamily(bot.db, {
      telegramId: bot.emulator.createUser({ first_name: 'Семья Липецкий район' }).id,
      districtId: lipetsk.id,
    });
    const seededNumbers = [];
    // Ten overdue requests, each an hour later than the one before: the first is the most overdue.
    for (let i = 0; i < 10; i += 1) {
      const row = await seedRequest({
        familyId: family.id,
        createdAt: new Date(Date.now() - (20 - i) * HOUR),
        status: 'assigned',
      });
      seededNumbers.push(row.number);
    }
    const first = await command(supervisor.id, '/overdue');
    expect(first.text).toContain('Просроченные заявки: 10 (страница 1 из 2)');
    const firstButtons = first.reply_markup?.inline_keyboard.flat().map((b) => b.text) ?? [];
    expect(firstButtons).toEqual([...seededNumbers.slice(0, 8).map((n) => `№ ${n}`), 'Дальше ›']);
    const edited = bot.emulator.waitForEdit(supervisor.id, first.message_id, 10_000);
    const next = bot.emulator.pressButtonByText(supervisor.id, first.message_id, 'Дальше ›');
    await answerTo(next.callback_query_id);
    const second = await edited;
    expect(second.text).toContain('Просроченные заявки: 10 (страница 2 из 2)');
    expect(second.reply_markup?.inline_keyboard.flat().map((b) => b.text)).toEqual([
      ...seededNumbers.slice(8).map((n) => `№ ${n}`),
      '‹ Назад',
    ]);
    // The escalation digest's button (`sup:overdue`) sends the first page as a new message.
    const digest = bot.emulator.pressButton(supervisor.id, first.message_id, 'sup:overdue');
    await answerTo(digest.callback_query_id);
    const fresh = await bot.emulator.waitForMessage(supervisor.id, undefined, 10_000, {
      afterMessageId: first.message_id,
    });
    expect(fresh.text).toContain('Просроченные заявки: 10 (страница 1 из 2)');
  });
});

describe('/stats and /export', () => {
  let supervisorUser: { id: number };
  let supervisorId: number;
  let observerUser: { id: number };
  let seeded: Array<{ number: number }> = [];
  let familyId = 0;

  beforeAll(async () => {
    const supervisor = await staffUser('Руководитель Данков', 'supervisor', ['dankov']);
    supervisorUser = supervisor.user;
    supervisorId = supervisor.member.id;
    observerUser = (await staffUser('Глава района Данков', 'observer', ['dankov'])).user;
    const dankov = await districtByCode(bot.db, 'dankov');
    const { member: first } = await staffUser('Ирина Первая', 'curator', ['dankov']);
    const { member: second } = await staffUser('Олег Второй', 'curator', ['dankov']);
    const registered = await createRegisteredFamily(bot.db, {
      telegramId: bot.emulator.createUser({ first_name: 'Зинаида' }).id,
      districtId: dankov.id,
      curatorId: first.id,
      memberName: 'Зинаида Секретова',
      address: 'г. Данков, ул. Тайная, д. 7',
    });
    familyId = registered.family.id;
    const base = { familyId, memberId: registered.member.id };
    const t0 = new Date(Date.now() - 5 * DAY);
    seeded = [
      // taken in 1 h (in time), resolved in 2 days (in time), rated 5
      await seedRequest({
        ...base,
        createdAt: t0,
        status: 'resolved',
        curatorId: first.id,
        takenAfter: HOUR,
        resolvedAfter: 2 * DAY,
        rating: 5,
        ratingComment: 'Спасибо Ирине',
      }),
      // taken in 3 h (late), resolved in 4 days (late), rated 3
      await seedRequest({
        ...base,
        createdAt: t0,
        status: 'resolved',
        curatorId: first.id,
        takenAfter: 3 * HOUR,
        resolvedAfter: 4 * DAY,
        rating: 3,
      }),
      // legal: taken in 2 h (in time), still in work, its 10 days not over
      await seedRequest({
        ...base,
        category: 'legal',
        createdAt: t0,
        status: 'in_progress',
        curatorId: second.id,
        takenAfter: 2 * HOUR,
      }),
      // legal: never taken, the 4 h are long over
      await seedRequest({
        ...base,
        category: 'legal',
        createdAt: t0,
        status: 'assigned',
        curatorId: second.id,
      }),
      // cancelled before anyone took it: counts as created only
      await seedRequest({ ...base, createdAt: t0, status: 'cancelled' }),
    ];
    // Outside the default 30 days, and in another district: not counted.
    await seedRequest({
      ...base,
      createdAt: new Date(Date.now() - 40 * DAY),
      status: 'resolved',
      takenAfter: HOUR,
      resolvedAfter: HOUR,
    });
    const other = await createRegisteredFamily(bot.db, {
      telegramId: bot.emulator.createUser({ first_name: 'Чужая' }).id,
      districtId: (await districtByCode(bot.db, 'dobroe')).id,
      memberName: 'Чужая Семьянина',
    });
    await seedRequest({ familyId: other.family.id, createdAt: t0, status: 'assigned' });
  });

  it('/stats shows the figures of the seeded set, by district, category and curator', async () => {
    const answer = await command(supervisorUser.id, '/stats');
    const text = answer.text ?? '';
    expect(text).toContain('Охват: Данковский район');
    expect(text).toContain('Создано заявок: 5');
    expect(text).toContain('Взяты в работу в срок: 50% (2 из 4)');
    expect(text).toContain('Решены в срок: 50% (1 из 2)');
    expect(text).toContain('Медиана до взятия: 2 ч');
    expect(text).toContain('Медиана до решения: 3 д');
    expect(text).toContain('Средняя оценка: 4 (оценок: 2)');
    expect(text).toContain('По статусам: передана куратору 1 · в работе 1 · решена 2 · отменена семьёй 1');
    expect(text).toContain(
      '• Данковский район: заявок 5; взяты в срок 50% (2 из 4), решены в срок 50% (1 из 2); медиана до взятия 2 ч, до решения 3 д; оценка 4',
    );
    expect(text).toContain(
      '• Няня: заявок 3; взяты в срок 50% (1 из 2), решены в срок 50% (1 из 2); медиана до взятия 2 ч, до решения 3 д; оценка 4',
    );
    expect(text).toContain(
      '• Юридическая помощь: заявок 2; взяты в срок 50% (1 из 2), решены в срок —; медиана до взятия 2 ч, до решения —; оценка —',
    );
    expect(text).toContain('• Ирина Первая: заявок 2; взяты в срок 50% (1 из 2), решены в срок 50% (1 из 2)');
    expect(text).toContain('• Олег Второй: заявок 2;');
    expect(text).toContain('• без куратора: заявок 1;');
  });

  it('/stats takes the same filters as /export', async () => {
    const answer = await command(supervisorUser.id, '/stats 30d dankov legal');
    expect(answer.text).toContain('Отбор: Данковский район · Юридическая помощь');
    expect(answer.text).toContain('Создано заявок: 2');
    expect(answer.text).toContain('Взяты в работу в срок: 50% (1 из 2)');
    expect(answer.text).not.toContain('• Няня');
  });

  it('/stats and /export take the district and the category in Russian words, whole or begun', async () => {
    for (const filters of ['Данковский Юридическая помощь', 'данковский район юрид', 'ДАНКОВ юридическая']) {
      const answer = await command(supervisorUser.id, `/stats 30d ${filters}`);
      expect(answer.text, filters).toContain('Отбор: Данковский район · Юридическая помощь');
      expect(answer.text, filters).toContain('Создано заявок: 2');
    }
    const nanny = await command(supervisorUser.id, '/stats няня');
    expect(nanny.text).toContain('Отбор: Няня');
    const ambiguous = await command(supervisorUser.id, '/stats помощь');
    expect(ambiguous.text).toBe(
      '«помощь» подходит к нескольким: Помощь психолога; Юридическая помощь; Медицинская помощь. Напишите точнее — например, название целиком.',
    );
    const twoDistricts = await command(supervisorUser.id, '/stats лип');
    expect(twoDistricts.text).toContain('«лип» подходит к нескольким:');
    expect(twoDistricts.text).toContain('Липецкий район');
    const unknown = await command(supervisorUser.id, '/stats Москва');
    expect(unknown.text).toContain('Не удалось разобрать «Москва».');
    expect(unknown.text).toContain('Ваши районы: Данковский район.');
    const elsewhere = await command(observerUser.id, '/stats грязинский');
    expect(elsewhere.text).toBe('Этот район не входит в ваши. Выгрузка доступна только по вашим районам.');
  });

  it('/find finds the family by phone and by part of a name, in scope only', async () => {
    const [row] = await bot.db.select().from(familyMembers).where(eq(familyMembers.familyId, familyId));
    const phone = row!.phone!;
    const spaced = `8 (${phone.slice(2, 5)}) ${phone.slice(5, 8)}-${phone.slice(8, 10)}-${phone.slice(10)}`;
    const byPhone = await command(supervisorUser.id, `/find ${spaced}`);
    expect(byPhone.text).toContain(`Зинаида Секретова, телефон ${phone}`);
    const byName = await command(supervisorUser.id, '/find секретов');
    expect(byName.text).toContain('Зинаида Секретова');
    expect(byName.text).toContain('Семья · Данковский район · куратор: Ирина Первая');
    // The family in another district is not found by a supervisor of Данков.
    const elsewhere = await command(supervisorUser.id, '/find Чужая');
    expect(elsewhere.text).toContain('ничего не нашлось');
    const empty = await command(supervisorUser.id, '/find');
    expect(empty.text).toContain('номер заявки, телефон или часть имени');
  });

  it('/stats for an observer has no curators; a bad period gets examples', async () => {
    const answer = await command(observerUser.id, '/stats 30d');
    expect(answer.text).toContain('Создано заявок: 5');
    expect(answer.text).not.toContain('По кураторам');
    expect(answer.text).not.toContain('Ирина');
    const bad = await command(observerUser.id, '/stats вчера');
    expect(bad.text).toContain('/stats 7d');
  });

  it('/export sends an .xlsx with one row per request and correct totals, and is audited', async () => {
    const document = await command(supervisorUser.id, '/export', (m) => m.document !== undefined);
    expect(document.caption).toContain('5 строк');
    const workbook = await downloadDocument(document);
    const register = sheetRows(workbook.getWorksheet('Заявки')!);
    const header = register[0] as string[];
    expect(header).toEqual(
      expect.arrayContaining([
        'Номер',
        'Район',
        'Категория',
        'Статус',
        'Куратор',
        'Заявитель',
        'Телефон',
        'Адрес',
      ]),
    );
    const body = register.slice(1);
    expect(body.map((row) => row[header.indexOf('Номер')]).sort()).toEqual(
      seeded.map((r) => r.number).sort(),
    );
    const first = body.find((row) => row[0] === seeded[0]!.number)!;
    expect(first[header.indexOf('Заявитель')]).toBe('Зинаида Секретова');
    expect(first[header.indexOf('Взята в срок')]).toBe('да');
    expect(first[header.indexOf('Оценка')]).toBe(5);
    const second = body.find((row) => row[0] === seeded[1]!.number)!;
    expect(second[header.indexOf('Решена в срок')]).toBe('нет');

    const totals = new Map(
      sheetRows(workbook.getWorksheet('Итоги')!).map((row) => [String(row[0]), row.slice(1)] as const),
    );
    expect(totals.get('Создано заявок')).toEqual([5]);
    expect(totals.get('Взяты в срок, %')).toEqual([50]);
    expect(totals.get('Решены в срок, %')).toEqual([50]);
    expect(totals.get('Средняя оценка')).toEqual([4]);
    expect(totals.get('решена')).toEqual([2]);
    expect(totals.get('отменена семьёй')).toEqual([1]);
    expect(totals.get('Данковский район')?.[0]).toBe(5);
    expect(totals.get('Ирина Первая')?.[0]).toBe(2);

    const audit = await bot.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.staffId, supervisorId), eq(auditLog.action, 'register_exported')));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ rows: 5, personal: true });
  });

  it("an observer's export has no personal columns and no name or phone in any cell", async () => {
    const document = await command(observerUser.id, '/export 30d данков', (m) => m.document !== undefined);
    const workbook = await downloadDocument(document);
    const register = sheetRows(workbook.getWorksheet('Заявки')!);
    expect(register[0]).toEqual([
      'Номер',
      'Создана',
      'Район',
      'Категория',
      'Срочность',
      'Статус',
      'Взять до',
      'Взята',
      'Взята в срок',
      'Решить до',
      'Решена',
      'Решена в срок',
      'Оценка',
    ]);
    expect(register).toHaveLength(1 + seeded.length);
    const cells = workbook.worksheets.flatMap((sheet) => sheetRows(sheet).flat().map(String));
    for (const secret of ['Зинаида', 'Секретова', '+7900', 'Тайная', 'Спасибо', 'Ирина', 'Олег']) {
      expect(cells.filter((cell) => cell.includes(secret))).toEqual([]);
    }
    expect(cells).toContain('Создано заявок');
  });

  it('an export of a district outside the scope is refused', async () => {
    const answer = await command(observerUser.id, '/export gryazi');
    expect(answer.text).toContain('не входит в ваши');
  });

  it('admin audit lists the card view and the export with ids and times', async () => {
    // The supervisor reads the family card of a seeded request (the curator workspace's button).
    const list = await command(supervisorUser.id, `/find ${seeded[0]!.number}`);
    expect(list.text).toContain('Зинаида Секретова');
    expect(list.reply_markup?.inline_keyboard[0]?.[0]?.text).toBe(`№ ${seeded[0]!.number}`);
    const press = bot.emulator.pressButton(
      supervisorUser.id,
      list.message_id,
      `cur:${await requestId(seeded[0]!.number)}:family`,
    );
    await answerTo(press.callback_query_id);
    await bot.emulator.waitForMessage(
      supervisorUser.id,
      (m) => m.text?.startsWith('Карточка семьи') === true,
      10_000,
    );

    const env = testEnv();
    const all = await runEntry('src/admin/cli.ts', ['audit', '--staff', String(supervisorId)], env);
    expect(all.code).toBe(0);
    const lines = all.stdout.trim().split('\n');
    expect(lines.some((l) => l.includes('family_card_viewed') && l.includes(`family ${familyId}`))).toBe(
      true,
    );
    expect(lines.some((l) => l.includes('register_exported') && l.includes('Руководитель Данков'))).toBe(
      true,
    );
    expect(all.stdout).not.toContain('Зинаида');
    const onlyExports = await runEntry(
      'src/admin/cli.ts',
      ['audit', '--action', 'register_exported', '--since', new Date(Date.now() - HOUR).toISOString()],
      env,
    );
    expect(onlyExports.stdout).toContain('register_exported');
    expect(onlyExports.stdout).not.toContain('family_card_viewed');
    const byFamily = await runEntry('src/admin/cli.ts', ['audit', '--family', String(familyId)], env);
    expect(byFamily.stdout).toContain('family_card_viewed');
    expect(byFamily.stdout).not.toContain('register_exported');
  });
});

describe('an observer limited to categories (a medical organisation)', () => {
  it('sees only those categories in /stats and /export, set by the admin command line', async () => {
    const { user, member } = await staffUser('Поликлиника Добринка', 'observer', ['dobrinka']);
    const dobrinka = await districtByCode(bot.db, 'dobrinka');
    const { family } = await createRegisteredFamily(bot.db, {
      telegramId: bot.emulator.createUser({ first_name: 'Семья Добринка' }).id,
      districtId: dobrinka.id,
    });
    const createdAt = new Date(Date.now() - DAY);
    const medical = await seedRequest({
      familyId: family.id,
      category: 'medical',
      createdAt,
      status: 'assigned',
    });
    await seedRequest({ familyId: family.id, category: 'nanny', createdAt, status: 'assigned' });
    await seedRequest({ familyId: family.id, category: 'legal', createdAt, status: 'assigned' });

    const set = await runEntry(
      'src/admin/cli.ts',
      ['staff', 'categories', '--id', String(member.id), '--category', 'medical,psychologist'],
      testEnv(),
    );
    expect(set.stdout).toContain(`staff ${member.id} (observer) categories: medical,psychologist`);

    const stats = await command(user.id, '/stats');
    expect(stats.text).toContain(
      'Охват: Добринский район (только категории: Медицинская помощь, Помощь психолога)',
    );
    expect(stats.text).toContain('Создано заявок: 1');
    expect(stats.text).not.toContain('Няня');
    const document = await command(user.id, '/export', (m) => m.document !== undefined);
    const rows = sheetRows((await downloadDocument(document)).getWorksheet('Заявки')!);
    expect(rows.slice(1).map((row) => row[0])).toEqual([medical.number]);
    const refused = await command(user.id, '/export nanny');
    expect(refused.text).toContain('Эта категория не входит в ваши');
  });
});

async function requestId(number: number) {
  const [row] = await bot.db.select({ id: requests.id }).from(requests).where(eq(requests.number, number));
  return row!.id;
}

describe('who may use supervisor commands', () => {
  it('a curator and a family member are refused politely', async () => {
    const { user: curator } = await staffUser('Куратор Лев-Толстой', 'curator', ['lev-tolstoy']);
    for (const text of ['/overdue', '/stats', '/export', '/find 1001']) {
      const answer = await command(curator.id, text);
      expect(answer.text).toContain('для руководителей службы');
      expect(answer.document).toBeUndefined();
    }
    const familyUser = bot.emulator.createUser({ first_name: 'Анна' });
    await createRegisteredFamily(bot.db, { telegramId: familyUser.id });
    const answer = await command(familyUser.id, '/stats');
    expect(answer.text).toContain('«Нужна помощь»');
  });

  it('a supervisor of another district pressing forged sup: buttons changes nothing', async () => {
    const lebedyan = await districtByCode(bot.db, 'lebedyan');
    const { member: curator } = await staffUser('Куратор Лебедянь', 'curator', ['lebedyan']);
    const { member: other } = await staffUser('Другой куратор Лебедянь', 'curator', ['lebedyan']);
    const { family } = await createRegisteredFamily(bot.db, {
      telegramId: bot.emulator.createUser({ first_name: 'Семья Лебедянь' }).id,
      districtId: lebedyan.id,
      curatorId: curator.id,
    });
    const request = await seedRequest({
      familyId: family.id,
      createdAt: new Date(Date.now() - 5 * HOUR),
      status: 'assigned',
      curatorId: curator.id,
    });
    const { user: stranger } = await staffUser('Руководитель Грязи', 'supervisor', ['gryazi']);
    const somewhere = await command(stranger.id, '/overdue');
    for (const data of [
      `sup:${request.id}:open`,
      `sup:${request.id}:reassign`,
      `sup:${request.id}:to:${other.id}`,
      `sup:${request.id}:fam:${other.id}`,
    ]) {
      const press = bot.emulator.pressButton(stranger.id, somewhere.message_id, data);
      expect((await answerTo(press.callback_query_id)).text).toContain('не из ваших районов');
    }
    // An observer of the very district may not open or reassign anything either.
    const { user: observer } = await staffUser('Наблюдатель Лебедянь', 'observer', ['lebedyan']);
    const observerChat = await command(observer.id, '/stats');
    for (const data of [`sup:${request.id}:open`, `sup:${request.id}:to:${other.id}`]) {
      const press = bot.emulator.pressButton(observer.id, observerChat.message_id, data);
      expect((await answerTo(press.callback_query_id)).text).toBe(
        'Наблюдателям доступны только сводные цифры, без данных семей. Ваши команды — /help.',
      );
    }
    const malformed = bot.emulator.pressButton(stranger.id, somewhere.message_id, `sup:${request.id}:steal`);
    expect((await answerTo(malformed.callback_query_id)).text).toContain('не действует');
    const [after] = await bot.db.select().from(requests).where(eq(requests.id, request.id));
    expect(after!.curatorId).toBe(curator.id);
    expect(after!.updatedAt).toEqual(request.updatedAt);
  });
});
