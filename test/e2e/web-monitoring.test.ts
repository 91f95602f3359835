// Not on the sandbox: the bot and the web role run in this process (useE2E), driven through a real browser.
/**
 * The monitoring site in headless Chromium (playwright-core with @sparticuz/chromium, as the sandbox's
 * browser test): sign-in through the bot's /web link in the emulator, the Overview's charts drawn with the
 * figures PostgreSQL holds for the viewer's scope, a district head kept to their district by the server
 * (404s), an observer's pages free of the seeded families' personal data, a spent link refused, sign-out and
 * deactivation ending the session.
 */
import { createHash, createHmac } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/app.js';
import {
  auditLog,
  outbox,
  requests,
  staff,
  staffCategories,
  webSessions,
} from '../../src/db/schema/index.js';
import { useE2E } from '../helpers/e2e.js';
import { TEST_BOT_TOKEN, TEST_BOT_USERNAME, testEnv } from '../helpers/env.js';
import { type LaunchedBrowser, launchChromium } from '../helpers/sandbox-browser.js';
import type { Seeded } from '../helpers/seed.js';
import { runEntry } from '../helpers/spawn.js';

const ADMIN = 700_000_001;
const bot = useE2E({
  pipeline: false,
  env: { WEB_ADMINS: String(ADMIN), WEB_TELEGRAM_LOGIN: 'on', BOT_USERNAME: TEST_BOT_USERNAME },
});
const DAY = 86_400_000;

let web: RunningApp;
let browser: LaunchedBrowser;
let page: Page;
let world: Seeded<
  'head' | 'regional' | 'districtHead' | 'medical' | 'curatorA' | 'curatorA2' | 'curatorB',
  'a1' | 'a2' | 'b1',
  never
>;
const requestIds: Record<'a' | 'b', number[]> = { a: [], b: [] };
/** The free text of every seeded request: personal data an observer must never see. */
const requestTexts: string[] = [];

/** Seeds requests as they stand after their history: created days ago, some taken, some resolved. */
async function seedRequests() {
  const plan = [
    { family: world.families.a1, key: 'a', category: 'nanny', daysAgo: 2, status: 'resolved' },
    { family: world.families.a1, key: 'a', category: 'psychologist', daysAgo: 3, status: 'in_progress' },
    { family: world.families.a2, key: 'a', category: 'medical', daysAgo: 5, status: 'new' },
    { family: world.families.a2, key: 'a', category: 'legal', daysAgo: 12, status: 'assigned' },
    { family: world.families.b1, key: 'b', category: 'psychologist', daysAgo: 1, status: 'new' },
    { family: world.families.b1, key: 'b', category: 'school_meals', daysAgo: 40, status: 'resolved' },
  ] as const;
  for (const [index, item] of plan.entries()) {
    const createdAt = new Date(Date.now() - item.daysAgo * DAY);
    const text = `Текст заявки номер ${index} про ребёнка Снежану`;
    requestTexts.push(text);
    const curator = item.key === 'a' ? world.staff.curatorA : world.staff.curatorB;
    const [row] = await bot.db
      .insert(requests)
      .values({
        familyId: item.family.family.id,
        memberId: item.family.member.id,
        category: item.category,
        details: { text },
        status: item.status,
        curatorId: item.status === 'new' ? null : curator.id,
        createdAt,
        takenAt:
          item.status === 'in_progress' || item.status === 'resolved'
            ? new Date(createdAt.getTime() + 3_600_000)
            : null,
        resolvedAt: item.status === 'resolved' ? new Date(createdAt.getTime() + 5 * 3_600_000) : null,
        takeDeadlineAt: new Date(createdAt.getTime() + DAY),
        resolveDeadlineAt: new Date(createdAt.getTime() + 3 * DAY),
      })
      .returning({ id: requests.id });
    requestIds[item.key].push(row!.id);
  }
}

/** Sends /web as this staff member and returns the path of the link the bot answers with. */
async function webLink(chat: number): Promise<string> {
  const before = Math.max(0, ...bot.emulator.messages(chat).map((m) => m.message_id));
  bot.emulator.sendText(chat, '/web');
  const answer = await bot.emulator.waitForMessage(chat, (m) => /\/web\/login\//.test(m.text ?? ''), 15_000, {
    afterMessageId: before,
  });
  return new URL(/(https?:\/\/\S+)/.exec(answer.text!)![1]!).pathname;
}

/** WEB_SCREENSHOT_DIR=docs saves the README's pictures of the pages as the test walks them. */
async function screenshot(name: string) {
  const dir = process.env.WEB_SCREENSHOT_DIR;
  if (dir) await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}

const url = (path: string) => `http://127.0.0.1:${web.webPort}${path}`;

/**
 * Evaluated in the page: the lowest WCAG contrast ratio between an element's text colour and the first opaque
 * background behind it, over every visible element with text of its own, and where it is.
 */
const LOWEST_TEXT_CONTRAST = `(() => {
  const rgb = (value) => (value.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => {
    const channel = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const background = (element) => {
    for (let node = element; node; node = node.parentElement) {
      const colour = rgb(getComputedStyle(node).backgroundColor);
      if (colour.length === 3 || (colour.length === 4 && colour[3] === 1)) return colour.slice(0, 3);
    }
    return [255, 255, 255];
  };
  let lowest = { ratio: 21, where: '' };
  for (const element of document.querySelectorAll('body *')) {
    if (element.closest('svg')) continue; // chart labels: ECharts draws them with its own fills
    const ownText = [...element.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const box = element.getBoundingClientRect();
    if (!ownText || box.width === 0 || box.height === 0 || getComputedStyle(element).visibility === 'hidden') continue;
    const [a, b] = [luminance(rgb(getComputedStyle(element).color).slice(0, 3)), luminance(background(element))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < lowest.ratio) lowest = { ratio, where: element.tagName + '.' + element.className + ' «' + element.textContent.trim().slice(0, 30) + '»' };
  }
  return lowest;
})()`;
async function signIn(chat: number) {
  await page.context().clearCookies();
  const path = await webLink(chat);
  const response = await page.goto(url(path));
  expect(response?.status()).toBe(200);
  return path;
}

/** The series of a drawn chart, read from its ECharts instance in the page. */
async function chartSeries(id: string) {
  await page.locator(`#${id} svg`).first().waitFor({ timeout: 15_000 });
  // A string, evaluated in the page (this file has no DOM types): the chart's ECharts instance's series.
  const series = await page.evaluate(`(() => {
    const option = window.echarts.getInstanceByDom(document.getElementById(${JSON.stringify(id)})).getOption();
    return option.series.map((s) => ({ name: s.name, data: s.data }));
  })()`);
  return series as Array<{ name: string; data: Array<number | null> }>;
}

const total = (series: Array<{ data: Array<number | null> }>) =>
  series.reduce((sum, s) => sum + s.data.reduce<number>((a, b) => a + (b ?? 0), 0), 0);

describe('the monitoring site in a browser', () => {
  beforeAll(async () => {
    world = await bot.seed({
      staff: {
        head: { name: 'Глава Наблюдения', role: 'supervisor', districts: ['lipetsk-city'] },
        regional: { name: 'Регина Областная', role: 'supervisor', regional: true },
        districtHead: { name: 'Дмитрий Главный', role: 'observer', districts: ['lipetsk-city'] },
        medical: { name: 'Медицинская Организация', role: 'observer', regional: true },
        curatorA: { name: 'Анна Кураторова', districts: ['lipetsk-city'] },
        curatorA2: { name: 'Алла Сменщица', districts: ['lipetsk-city'] },
        curatorB: { name: 'Борис Кураторов', districts: ['elets-city'] },
      },
      families: {
        a1: { curator: 'curatorA', memberName: 'Зинаида Приватная', address: 'ул. Секретная, д. 7' },
        a2: { curator: 'curatorA', memberName: 'Фёкла Тайнова', address: 'ул. Закрытая, д. 9' },
        b1: { curator: 'curatorB', memberName: 'Ульяна Елецкая', address: 'ул. Елецкая, д. 3' },
      },
    });
    await bot.db.insert(staffCategories).values([
      { staffId: world.staff.medical.id, category: 'psychologist' },
      { staffId: world.staff.medical.id, category: 'medical' },
    ]);
    await seedRequests();
    web = await bot.startRole('web');
    browser = await launchChromium();
    page = browser.page;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('signs a supervisor in through the bot link; the charts are drawn with the figures of their district', async () => {
    await signIn(world.staff.head.chat);
    expect(new URL(page.url()).pathname).toBe('/web/overview');
    const perDay = await chartSeries('per-day');
    const [inPeriod] = await bot.db.execute<{ count: number }>(sql`
      select count(*)::int as count from requests r join families f on f.id = r.family_id
      where f.district_id = ${world.staff.head.districts[0]!.id} and r.created_at >= now() - interval '30 days'`);
    expect(total(perDay)).toBe(Number(inPeriod!.count));
    expect(total(perDay)).toBe(4);
    const open = await chartSeries('open-by-district');
    expect(total(open)).toBe(3);
    await expect(page.locator('[data-figure="created"] .value').textContent()).resolves.toBe('4');
    // Psychologists' consultations (issue 17), counts only, as /stats shows them.
    await expect(page.locator('[data-section="consultations"] h2').textContent()).resolves.toBe(
      'Консультации психологов за период:',
    );
    await expect(page.locator('[data-section="consultations"] li').first().textContent()).resolves.toBe(
      'записано 0 · состоялось 0 · не пришли 0 · отменено 0',
    );
    await screenshot('web-overview');
    // Keyboard first: the skip link is the first stop, and every filter has a label.
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement.textContent')).resolves.toBe('Перейти к содержанию');
    for (const name of ['Период', 'С', 'По', 'Район'])
      await expect(page.getByLabel(name, { exact: true }).count()).resolves.toBe(1);
    // On a phone: nothing wider than the screen but the tables' own scrolling boxes; the charts redraw to fit.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await chartSeries('per-day');
    await expect(page.evaluate('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1600, height: 900 });
    // Contrast: every element that shows text, against the first opaque background behind it, ≥ 4.5:1 (WCAG AA).
    const lowest = (await page.evaluate(LOWEST_TEXT_CONTRAST)) as { ratio: number; where: string };
    expect(lowest.ratio, `lowest contrast at ${lowest.where}`).toBeGreaterThanOrEqual(4.5);
    // The table behind the chart carries the same figures.
    await expect(page.locator('table[data-table="per-day"] tbody tr').count()).resolves.toBe(4);
    // A district outside the supervisor's scope: 404, not its figures.
    const other = world.staff.curatorB.districts[0]!.id;
    expect((await page.goto(url(`/web/overview?district=${other}`)))?.status()).toBe(404);
  });

  it('gives no link to a curator or a family member, and says why', async () => {
    const before = Math.max(0, ...bot.emulator.messages(world.staff.curatorA.chat).map((m) => m.message_id));
    bot.emulator.sendText(world.staff.curatorA.chat, '/web');
    const refused = await bot.emulator.waitForMessage(world.staff.curatorA.chat, undefined, 15_000, {
      afterMessageId: before,
    });
    expect(refused.text).toContain('открыта руководителям, наблюдателям и администраторам');
    const family = world.families.a1.chat;
    const last = Math.max(0, ...bot.emulator.messages(family).map((m) => m.message_id));
    bot.emulator.sendText(family, '/web');
    const told = await bot.emulator.waitForMessage(family, undefined, 15_000, { afterMessageId: last });
    expect(told.text).toContain('для сотрудников программы');
    const links = await bot.db.execute<{ count: number }>(
      sql`select count(*)::int as count from web_links where telegram_id in (${world.staff.curatorA.chat}, ${family})`,
    );
    expect(Number(links[0]!.count)).toBe(0);
  });

  it('refuses a link used once already, with a page that says how to get a new one', async () => {
    const path = await signIn(world.staff.regional.chat);
    await page.context().clearCookies();
    const again = await page.goto(url(path));
    expect(again?.status()).toBe(410);
    await expect(page.locator('main').textContent()).resolves.toContain('/web');
    const forged = await page.goto(url('/web/login/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'));
    expect(forged?.status()).toBe(404);
    await expect(page.locator('main').textContent()).resolves.toContain('Отправьте боту команду /web');
    // A link older than 10 minutes: refused, and the page says to ask for a new one (in English with ?lang=en).
    const stale = await webLink(world.staff.regional.chat);
    await bot.db.execute(
      sql`update web_links set expires_at = now() - interval '1 second' where used_at is null`,
    );
    expect((await page.goto(url(`${stale}?lang=en`)))?.status()).toBe(410);
    await expect(page.locator('h1').textContent()).resolves.toBe('This link has expired');
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
    await page.goto(url('/web/overview?lang=ru'));
  });

  it("keeps a district head to their district and shows an observer no family's personal data", async () => {
    await signIn(world.staff.districtHead.chat);
    const perDay = await chartSeries('per-day');
    expect(total(perDay)).toBe(4);
    const other = world.staff.curatorB.districts[0]!.id;
    expect((await page.goto(url(`/web/overview?district=${other}`)))?.status()).toBe(404);
    expect((await page.goto(url(`/web/requests/${requestIds.b[0]}`)))?.status()).toBe(404);
    const pages = [
      '/web/overview',
      '/web/overview?period=90',
      '/web/register',
      '/web/register?period=90&sort=number',
    ];
    await signIn(world.staff.medical.chat);
    const medical = await chartSeries('per-day');
    // psychologist and medical only, in every district: a1's psychologist, a2's medical, b1's psychologist.
    expect(total(medical)).toBe(3);
    for (const chat of [world.staff.medical.chat, world.staff.districtHead.chat]) {
      await signIn(chat);
      for (const path of pages) {
        await page.goto(url(path));
        const content = await page.content();
        for (const family of Object.values(world.families)) {
          expect(content).not.toContain(family.member.fullName);
          expect(content).not.toContain(family.member.phone!);
          expect(content).not.toContain(family.family.address!);
        }
        for (const text of requestTexts) expect(content).not.toContain(text);
        expect(content).not.toContain('Снежан');
      }
    }
  });

  it('lists the register with filters in the URL, and exports exactly the filtered rows', async () => {
    await signIn(world.staff.head.chat);
    await page.goto(url('/web/register'));
    await expect(page.locator('table[data-table="register"] tbody tr').count()).resolves.toBe(4);
    await screenshot('web-register');
    const filtered = '/web/register?period=30&status=new&urgency=normal';
    await page.goto(url(filtered));
    await expect(page.locator('table[data-table="register"] tbody tr').count()).resolves.toBe(1);
    // A search by the applicant's name (supervisors only) finds a2's two requests.
    await page.goto(url(`/web/register?q=${encodeURIComponent('Фёкла')}`));
    await expect(page.locator('table[data-table="register"] tbody tr').count()).resolves.toBe(2);
    const searches = await bot.db.select().from(auditLog).where(eq(auditLog.action, 'register_searched'));
    expect(searches.map((row) => row.details)).toContainEqual({ query: 'name', rows: 2 });
    const response = await page.request.get(url('/web/register.xlsx?period=30&category=psychologist'));
    expect(response.status()).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await response.body()) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const numbers = sheet
      .getColumn(1)
      .values.slice(2)
      .filter((v) => v !== undefined && v !== null);
    const [expected] = await bot.db.execute<{ count: number }>(sql`
      select count(*)::int as count from requests r join families f on f.id = r.family_id
      where f.district_id = ${world.staff.head.districts[0]!.id} and r.category = 'psychologist'
        and r.created_at >= now() - interval '30 days'`);
    expect(numbers).toHaveLength(Number(expected!.count));
    expect(numbers).toHaveLength(1);
    // Families: the district's two families, drawn and tabled (observers get 404 for the page).
    expect((await page.goto(url('/web/families')))?.status()).toBe(200);
    const counts = await chartSeries('families-count');
    expect(counts[0]!.data).toEqual([2]);
    // An out-of-scope district in the export's URL: 404, no workbook.
    const other = world.staff.curatorB.districts[0]!.id;
    expect((await page.request.get(url(`/web/register.xlsx?district=${other}`))).status()).toBe(404);
  });

  it('charts the support measures families of the district are due by their passports and how many are granted', async () => {
    await signIn(world.staff.head.chat);
    expect((await page.goto(url('/web/families')))?.status()).toBe(200);
    // a1 and a2 (no household in their passports): the measures for every family — psychologist, payments,
    // legal help — three each, none granted yet: 0 % of the 6 due.
    expect(await chartSeries('measures-coverage')).toEqual([{ name: 'Получено из положенных', data: [0] }]);
  });

  it('shows a supervisor a request of their district with its timeline, audits it, and reassigns it', async () => {
    await signIn(world.staff.head.chat);
    const [legal] = requestIds.a.slice(3);
    expect((await page.goto(url(`/web/requests/${legal}`)))?.status()).toBe(200);
    await expect(page.locator('main').textContent()).resolves.toContain('Фёкла Тайнова');
    const audited = await bot.db.select().from(auditLog).where(eq(auditLog.requestId, legal!));
    expect(audited.map((row) => row.action)).toContain('web_request_viewed');
    // Another district's request, by editing the URL: 404.
    expect((await page.goto(url(`/web/requests/${requestIds.b[0]}`)))?.status()).toBe(404);
    await page.goto(url(`/web/requests/${legal}`));
    await page.getByLabel('Новый куратор').selectOption(String(world.staff.curatorA2.id));
    await page.getByRole('button', { name: 'Переназначить' }).click();
    await expect(page.locator('.notice').textContent()).resolves.toContain('у нового куратора');
    const [moved] = await bot.db.select().from(requests).where(eq(requests.id, legal!));
    expect(moved!.curatorId).toBe(world.staff.curatorA2.id);
    const told = await bot.db.select().from(outbox).where(eq(outbox.kind, 'request_reassigned'));
    expect(told.map((row) => row.payload.requestId)).toContain(legal);
  });

  it('opens Operations and Bull Board to an admin only', async () => {
    bot.emulator.createUser({ id: ADMIN, first_name: 'Админ', language_code: 'ru' });
    expect((await page.goto(url('/web/operations')))?.status()).toBe(404);
    await signIn(ADMIN);
    expect(new URL(page.url()).pathname).toBe('/web/operations');
    await expect(page.locator('[data-figure="outbox-pending"] .value').textContent()).resolves.toMatch(
      /^\d+$/,
    );
    expect((await page.goto(url('/web/operations/queues')))?.status()).toBe(200);
    await page.context().clearCookies();
    expect((await page.goto(url('/web/operations/queues')))?.status()).toBe(401);
  });

  it('lets a staff member in through the Telegram Login Widget, and refuses forged or stale widget data', async () => {
    const widget = (id: number, authDate: number, tamper = false) => {
      const data = { auth_date: String(authDate), first_name: 'Глава', id: String(id) };
      const lines = Object.entries(data)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, value]) => `${key}=${value}`)
        .join('\n');
      const secret = createHash('sha256').update(TEST_BOT_TOKEN).digest();
      const hash = createHmac('sha256', secret).update(lines).digest('hex');
      return `/web/telegram-login?${new URLSearchParams({ ...data, ...(tamper ? { id: String(id + 1) } : {}), hash })}`;
    };
    const now = Math.floor(Date.now() / 1000);
    await page.context().clearCookies();
    expect((await page.goto(url('/web/overview')))?.status()).toBe(401);
    await expect(page.locator('script[data-telegram-login]').count()).resolves.toBe(1);
    expect((await page.goto(url(widget(world.staff.head.chat, now, true))))?.status()).toBe(404);
    expect((await page.goto(url(widget(world.staff.head.chat, now - 3600))))?.status()).toBe(404);
    expect((await page.goto(url(widget(world.staff.curatorA.chat, now))))?.status()).toBe(410);
    expect((await page.goto(url(widget(world.staff.head.chat, now))))?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/web/overview');
  });

  it('ends the session on sign-out, and at once on deactivation', async () => {
    await signIn(world.staff.head.chat);
    await page.getByRole('button', { name: 'Выйти' }).click();
    await expect(page.locator('main').textContent()).resolves.toContain('/web');
    expect((await page.goto(url('/web/overview')))?.status()).toBe(401);

    await signIn(world.staff.districtHead.chat);
    expect((await page.goto(url('/web/overview')))?.status()).toBe(200);
    // Deactivated by the admin command line: every session of theirs ends in PostgreSQL at once.
    const deactivated = await runEntry(
      'src/admin/cli.ts',
      ['staff', 'deactivate', '--id', String(world.staff.districtHead.id)],
      testEnv({ DATABASE_URL: process.env.DATABASE_URL! }),
    );
    expect(deactivated.code).toBe(0);
    const sessions = await bot.db
      .select()
      .from(webSessions)
      .where(eq(webSessions.staffId, world.staff.districtHead.id));
    expect(sessions.every((s) => s.endedAt !== null)).toBe(true);
    expect(sessions.some((s) => s.endedReason === 'deactivated')).toBe(true);
    expect((await page.goto(url('/web/overview')))?.status()).toBe(401);
  });

  it('ends a session at its next page when the staff row changes behind it', async () => {
    await signIn(world.staff.regional.chat);
    await bot.db.update(staff).set({ active: false }).where(eq(staff.id, world.staff.regional.id));
    expect((await page.goto(url('/web/overview')))?.status()).toBe(401);
  });
});
