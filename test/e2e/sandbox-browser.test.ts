/**
 * The sandbox page in a real browser (Debian's Chromium, headless): a person types and clicks in the chats
 * the way a newcomer would, and sees the bot answer live. Extend the flow with the helpers of
 * test/helpers/sandbox-browser.ts (sendText, clickButton, clickReplyButton, waitForBubble) as the family
 * dialogues and the curator workspace grow.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/ports.js';
import {
  appears,
  chromiumMissing,
  clickButton,
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
const SUPERVISOR = 100_000_004;

/** How many bot messages the chat shows, and how many of them were edited (to see that a click did something). */
async function botActivity(chat: Locator): Promise<{ messages: number; edited: number; toasts: number }> {
  return {
    messages: await chat.locator('.message-row.from-bot').count(),
    edited: await chat.locator('.message-row.from-bot .edited').count(),
    toasts: await chat.locator('.toast').count(),
  };
}

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

describe.skipIf(chromiumMissing())('the sandbox page in a browser', () => {
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

  it('lets a family member write to the bot and see the answer appear live', async () => {
    const family = pane(page, FAMILY);
    await sendText(family, '/start');
    await waitForBubble(family, '/start', 'user');
    await waitForBubble(family, 'Патронаж');
    if (process.env.SANDBOX_SCREENSHOT) await page.screenshot({ path: process.env.SANDBOX_SCREENSHOT });

    // When the bot offers buttons (the onboarding does), a click must reach it and change something.
    const firstButton = family.locator('.message-row.from-bot .inline-button:not([disabled])').first();
    if (await appears(firstButton)) {
      const before = await botActivity(family);
      await clickButton(family, (await firstButton.textContent()) ?? '');
      await expect
        .poll(async () => JSON.stringify(await botActivity(family)), { timeout: WAIT_MS })
        .not.toBe(JSON.stringify(before));
    }

    // When the bot asks for the phone with a «share contact» keyboard, pressing it sends the person's contact.
    const shareContact = family.locator('.reply-keyboard .reply-button[data-request="contact"]');
    if (await appears(shareContact)) {
      await shareContact.click();
      await waitForBubble(family, 'Контакт', 'user');
    }
  });

  it('shows text as text, replies to a chosen message, and sends photos and documents', async () => {
    const family = pane(page, FAMILY);
    await sendText(family, '<b>не жирный</b>\nвторая строка');
    const literal = await waitForBubble(family, '<b>не жирный</b>', 'user');
    await expect(literal.locator('.text').textContent()).resolves.toBe('<b>не жирный</b>\nвторая строка');
    await expect(literal.locator('b').count()).resolves.toBe(0);

    const firstAnswer = family.locator('.message-row.from-bot').first();
    const answerStart = ((await firstAnswer.locator('.text').textContent()) ?? '').slice(0, 20);
    await firstAnswer.hover();
    await firstAnswer.locator('.reply-action').click();
    await sendText(family, 'Это ответ на первое сообщение бота');
    const reply = await waitForBubble(family, 'Это ответ на первое сообщение бота', 'user');
    await expect(reply.locator('.quote').textContent()).resolves.toContain(answerStart);

    const fileInput = family.locator('.file-input');
    await fileInput.setInputFiles({
      name: 'справка.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4 sandbox'),
    });
    await waitForBubble(family, 'справка.pdf', 'user');
    const tinyPng = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
      'base64',
    );
    await fileInput.setInputFiles({ name: 'фото.png', mimeType: 'image/png', buffer: tinyPng });
    const photo = family.locator('.message-row.from-user img.photo').last();
    await photo.waitFor({ state: 'visible', timeout: WAIT_MS });
    await expect
      .poll(
        () =>
          photo.evaluate((img) => {
            // The test's TypeScript has no DOM types; this runs in the page.
            const image = img as unknown as { complete: boolean; naturalWidth: number };
            return image.complete && image.naturalWidth;
          }),
        {
          timeout: WAIT_MS,
        },
      )
      .toBe(1);
  });

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
