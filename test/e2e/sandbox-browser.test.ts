/**
 * The sandbox page in a real browser (Debian's Chromium, headless): a person types and clicks in the chats
 * the way a newcomer would, and sees the bot answer live. Extend the flow with the helpers of
 * test/helpers/sandbox-browser.ts (sendText, clickButton, clickReplyButton, waitForBubble) as the family
 * dialogues and the curator workspace grow.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/ports.js';
import {
  answerWithButton,
  answerWithText,
  clickButton,
  clickReplyButton,
  type LaunchedBrowser,
  launchChromium,
  pane,
  sendText,
  WAIT_MS,
  waitForBubble,
} from '../helpers/sandbox-browser.js';
import { type SpawnedProcess, spawnEntry } from '../helpers/spawn.js';

const FAMILY = 100_000_001;
const CURATOR_ANNA = 100_000_002;
const CURATOR_OLEG = 100_000_003;
const SUPERVISOR = 100_000_004;
const RESOLVED_FAMILY = 100_000_006;

async function waitForPageUrl(sandbox: SpawnedProcess): Promise<string> {
  const giveUpAt = Date.now() + 45_000;
  for (;;) {
    const url = /Open the page: (http:\/\/\S+)/.exec(sandbox.stdout())?.[1];
    if (url) return url;
    if (sandbox.child.exitCode !== null || Date.now() > giveUpAt) {
      throw new Error(`the sandbox did not start\n${sandbox.stdout()}\n${sandbox.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the sandbox page in a browser', () => {
  let sandbox: SpawnedProcess;
  let browser: LaunchedBrowser;
  let page: Page;

  beforeAll(async () => {
    const [emulatorPort, webPort] = [await freePort(), await freePort()];
    sandbox = spawnEntry(
      'src/sandbox/run-sandbox.ts',
      ['--port', String(emulatorPort), '--web-port', String(webPort)],
      {
        SANDBOX_DATABASE_URL: process.env.DATABASE_URL!,
        SANDBOX_REDIS_URL: process.env.REDIS_URL!,
        SANDBOX_REDIS_PREFIX: `${process.env.REDIS_PREFIX}_browser`,
      },
    );
    const [url, launched] = await Promise.all([waitForPageUrl(sandbox), launchChromium()]);
    browser = launched;
    page = browser.page;
    await page.goto(url);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop('SIGTERM');
  });

  it('says plainly that it is a sandbox, and shows the family, curators and supervisor', async () => {
    await expect(page.locator('.banner').textContent()).resolves.toContain('не настоящий Telegram');
    for (const userId of [FAMILY, CURATOR_ANNA, SUPERVISOR]) {
      await pane(page, userId).waitFor({ state: 'visible', timeout: WAIT_MS });
    }
    await expect(pane(page, FAMILY).locator('.pane-title').textContent()).resolves.toBe('Семья');
  });

  it('shows a staff member their own chat: the invite they opened and the bot welcoming them', async () => {
    const curator = pane(page, CURATOR_ANNA);
    const opened = await waitForBubble(curator, '/start', 'user');
    // Like Telegram, the page shows «/start» for an opened link; the invite's secret is only in the tooltip.
    await expect(opened.locator('.text').getAttribute('title')).resolves.toMatch(/^\/start staff_/);
    await waitForBubble(curator, 'добро пожаловать');
  });

  it('seeds a registered family whose resolved request the bot shows in «Мои заявки»', async () => {
    const chip = page.locator(`.chip[data-user-id="${RESOLVED_FAMILY}"]`);
    await chip.click();
    const family = pane(page, RESOLVED_FAMILY);
    await family.waitFor({ state: 'visible', timeout: WAIT_MS });
    // The chat is empty at first; a registered member gets the main menu with /start.
    await sendText(family, '/start');
    await clickReplyButton(family, 'Мои заявки');
    await clickButton(family, '№ 1001 · Няня');
    await waitForBubble(family, 'решена');
    await chip.click();
    await family.waitFor({ state: 'hidden', timeout: WAIT_MS });
  });

  it('lets a family member register and ask for a psychologist by clicking alone; the card reaches a curator', async () => {
    const family = pane(page, FAMILY);
    await sendText(family, '/start');
    await waitForBubble(family, '/start', 'user');
    await waitForBubble(family, 'Патронаж');

    // Registration (the onboarding dialogue's wording: update these labels when it changes).
    await answerWithButton(family, 'Вы согласны на обработку', 'Согласен(на)');
    await clickReplyButton(family, 'Отправить мой номер');
    await waitForBubble(family, 'Контакт', 'user');
    await answerWithText(family, 'Как вас зовут', 'Соколова Мария Ивановна');
    await answerWithButton(family, 'Кем вы приходитесь', 'Жена');
    await answerWithText(family, 'военнослужащего:', 'Соколов Андрей Петрович');
    await answerWithButton(family, 'Дата рождения военнослужащего', 'Пропустить');
    await answerWithButton(family, 'В каком районе', 'городской округ город Липецк');
    await answerWithText(family, 'Населённый пункт', 'Липецк');
    await answerWithButton(family, 'Адрес', 'Пропустить');
    await answerWithButton(family, 'Есть ли в семье дети', 'Пропустить');
    await answerWithButton(family, 'Есть ли пожилые родственники', 'Пропустить');
    await answerWithButton(family, 'Сохранить?', 'Всё верно, сохранить');
    await waitForBubble(family, 'зарегистрирована');

    // A psychologist request (the request dialogue's wording).
    await clickReplyButton(family, 'Нужна помощь');
    await answerWithButton(family, 'С чем нужна помощь', 'Помощь психолога');
    await answerWithButton(family, 'Как срочно', 'Можно в ближайшие дни');
    await answerWithButton(family, 'Для кого', 'Для меня');
    await answerWithButton(family, 'Как удобнее поговорить', 'По телефону');
    await answerWithText(family, 'Когда вам удобно', 'в будни после 18:00');
    await answerWithButton(family, 'Хотите что-то добавить', 'Пропустить');
    await answerWithButton(family, 'документы или фото', 'Пропустить');
    await answerWithButton(family, 'Проверьте заявку', '✅ Отправить куратору');
    const accepted = await waitForBubble(family, 'принята');
    const number = /№\s*(\d+)/.exec((await accepted.textContent()) ?? '')?.[1];
    expect(number).toBeDefined();

    const curators = page.locator(
      `.pane[data-user-id="${CURATOR_ANNA}"], .pane[data-user-id="${CURATOR_OLEG}"]`,
    );
    const card = curators.locator('.message-row.from-bot', { hasText: `заявка № ${number}` });
    await card.first().waitFor({ state: 'visible', timeout: WAIT_MS });
    await expect(card.first().textContent()).resolves.toContain('Помощь психолога');
    if (process.env.SANDBOX_SCREENSHOT) await page.screenshot({ path: process.env.SANDBOX_SCREENSHOT });
    // Next, when the curator workspace exists: the curator takes the card and replies, the family sees it.
  }, 60_000);

  it('starts over with fresh demo data on «Начать заново»', async () => {
    const family = pane(page, FAMILY);
    await page.getByRole('button', { name: 'Начать заново' }).click();
    await expect.poll(() => family.locator('.message-row').count(), { timeout: WAIT_MS }).toBe(0);
    await waitForBubble(pane(page, CURATOR_ANNA), 'добро пожаловать');
    await page.getByRole('button', { name: 'Начать заново' }).waitFor({ state: 'visible' });
    await expect(page.getByRole('button', { name: 'Начать заново' }).isEnabled()).resolves.toBe(true);
    await sendText(family, '/start');
    await waitForBubble(family, 'Патронаж');
  });
});
