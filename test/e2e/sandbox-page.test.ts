// Not on useE2E: the test plays the bot itself through the Bot API against the emulator alone; no role runs.
/**
 * The sandbox page against the emulator alone, with the test playing the bot through the Bot API: everything
 * a bot can do in a chat (formatting, buttons, keyboards, photos, documents, edits, deletions, button notices)
 * must show in the page the way Telegram shows it, and what the person does must reach the bot as Telegram
 * would deliver it.
 */
import { Api, InputFile } from 'grammy';
import type { Message, Update } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/sandbox/emulator.js';
import { createSandboxWebServer, type SandboxWebServer } from '../../src/sandbox/web/web-server.js';
import {
  appears,
  clickButton,
  clickReplyButton,
  type LaunchedBrowser,
  launchChromium,
  pane,
  sendText,
  WAIT_MS,
  waitForBubble,
} from '../helpers/sandbox-browser.js';

const TOKEN = '4000000001:sandbox-page-test';
const PERSON = { id: 100_000_001, first_name: 'Мария', phone_number: '+79001234567' };
const CURATOR = { id: 100_000_002, first_name: 'Анна' };
/** Three more chats, hidden at first: with them, five chats side by side. */
const MORE = [
  { id: 100_000_003, first_name: 'Олег' },
  { id: 100_000_004, first_name: 'Елена' },
  { id: 100_000_005, first_name: 'Ирина' },
];
/** The region of this page is far from the browser's zone (Moscow), so a browser-zone time would show. */
const REGION_ZONE = 'Asia/Vladivostok';
const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

describe('the sandbox page shows what a bot does, as Telegram would', () => {
  let emulator: Emulator;
  let web: SandboxWebServer;
  let browser: LaunchedBrowser;
  let bot: Api;
  let resets = 0;
  let updateOffset = 0;

  /** The updates the person's actions produced, as the bot would fetch them. */
  async function nextUpdates(): Promise<Update[]> {
    const updates = await bot.getUpdates({ offset: updateOffset, timeout: 5 });
    updateOffset = (updates.at(-1)?.update_id ?? updateOffset - 1) + 1;
    return updates;
  }

  async function nextMessage(): Promise<Message> {
    const [update] = await nextUpdates();
    if (!update?.message) throw new Error(`expected a message, got ${JSON.stringify(update)}`);
    return update.message;
  }

  beforeAll(async () => {
    emulator = createEmulator({ token: TOKEN });
    await emulator.start();
    emulator.createUser(PERSON);
    emulator.createUser(CURATOR);
    for (const user of MORE) emulator.createUser(user);
    web = createSandboxWebServer({
      emulator,
      people: [
        { userId: PERSON.id, title: 'Семья', subtitle: 'Мария — проверка', shownByDefault: true },
        { userId: CURATOR.id, title: 'Куратор', subtitle: 'Анна — проверка', shownByDefault: true },
        ...MORE.map((user) => ({
          userId: user.id,
          title: user.first_name,
          subtitle: `${user.first_name} — проверка`,
          shownByDefault: false,
        })),
      ],
      reset: async () => {
        resets += 1;
        emulator.reset();
        emulator.createUser(PERSON);
        emulator.createUser(CURATOR);
        for (const user of MORE) emulator.createUser(user);
      },
      notes: { deadlines: 'Сроки — проверочные.', timeZone: REGION_ZONE },
      port: 0,
    });
    await web.start();
    bot = new Api(TOKEN, { apiRoot: emulator.url });
    browser = await launchChromium();
    await browser.page.goto(web.url);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await emulator?.stop();
  });

  it('shows formatted text, keeps markup-looking text as text, and delivers button presses', async () => {
    const chat = pane(browser.page, PERSON.id);
    await bot.sendMessage(PERSON.id, '<b>Здравствуйте!</b>\nВторая строка: &lt;i&gt;не тег&lt;/i&gt;', {
      parse_mode: 'HTML',
      reply_markup: { inline_keyboard: [[{ text: 'Согласен', callback_data: 'agree' }]] },
    });
    const greeting = await waitForBubble(chat, 'Здравствуйте!');
    await expect(greeting.locator('strong').textContent()).resolves.toBe('Здравствуйте!');
    await expect(greeting.locator('.text').textContent()).resolves.toBe(
      'Здравствуйте!\nВторая строка: <i>не тег</i>',
    );
    await expect(greeting.locator('i').count()).resolves.toBe(0);

    await clickButton(chat, 'Согласен');
    const [press] = await nextUpdates();
    expect(press?.callback_query?.data).toBe('agree');
    await bot.answerCallbackQuery(press!.callback_query!.id, { text: 'Спасибо, записали' });
    await chat.locator('.toast', { hasText: 'Спасибо, записали' }).waitFor({ timeout: WAIT_MS });
  });

  it('shows edits in place with «изменено», and removes deleted messages', async () => {
    const chat = pane(browser.page, PERSON.id);
    const sent = await bot.sendMessage(PERSON.id, 'Заявка № 1001: новая');
    await waitForBubble(chat, 'Заявка № 1001: новая');
    await bot.editMessageText(PERSON.id, sent.message_id, 'Заявка № 1001: в работе');
    const edited = await waitForBubble(chat, 'Заявка № 1001: в работе');
    await expect(edited.locator('.edited').textContent()).resolves.toBe('изменено');
    await expect(chat.locator('.message-row', { hasText: 'Заявка № 1001: новая' }).count()).resolves.toBe(0);

    await bot.deleteMessage(PERSON.id, sent.message_id);
    await chat
      .locator('.message-row', { hasText: 'Заявка № 1001' })
      .waitFor({ state: 'detached', timeout: WAIT_MS });
  });

  it('shows the photos and documents the bot sends', async () => {
    const chat = pane(browser.page, PERSON.id);
    await bot.sendPhoto(PERSON.id, new InputFile(TINY_PNG, 'схема.png'), { caption: 'Схема проезда' });
    const photo = (await waitForBubble(chat, 'Схема проезда')).locator('img.photo');
    await expect
      .poll(
        () =>
          photo.evaluate((img) => {
            // The test's TypeScript has no DOM types; this runs in the page.
            const image = img as unknown as { complete: boolean; naturalWidth: number };
            return image.complete ? image.naturalWidth : 0;
          }),
        { timeout: WAIT_MS },
      )
      .toBe(1);
    await bot.sendDocument(PERSON.id, new InputFile(Buffer.from('%PDF-1.4'), 'памятка.pdf'));
    const document = await waitForBubble(chat, 'памятка.pdf');
    await expect(document.locator('a.document').getAttribute('href')).resolves.toMatch(/^\/api\/files\//);
  });

  it('offers the reply keyboard under the input, sharing the contact from its contact button', async () => {
    const chat = pane(browser.page, PERSON.id);
    await bot.sendMessage(PERSON.id, 'Поделитесь номером телефона', {
      reply_markup: {
        keyboard: [[{ text: 'Отправить мой номер', request_contact: true }], [{ text: 'Позже' }]],
        resize_keyboard: true,
      },
    });
    await clickReplyButton(chat, 'Отправить мой номер');
    const contact = await nextMessage();
    expect(contact.contact).toMatchObject({ phone_number: PERSON.phone_number, user_id: PERSON.id });
    await waitForBubble(chat, PERSON.phone_number, 'user');

    await clickReplyButton(chat, 'Позже');
    expect((await nextMessage()).text).toBe('Позже');
    await bot.sendMessage(PERSON.id, 'Хорошо', { reply_markup: { remove_keyboard: true } });
    await chat.locator('.reply-keyboard').waitFor({ state: 'hidden', timeout: WAIT_MS });
  });

  it('sends a Telegram reply to the chosen message, and photos and documents from the page', async () => {
    const chat = pane(browser.page, PERSON.id);
    const question = await bot.sendMessage(PERSON.id, 'Когда вам удобно встретиться?');
    const bubble = await waitForBubble(chat, 'Когда вам удобно встретиться?');
    await bubble.hover();
    await bubble.locator('.reply-action').click();
    await expect(chat.locator('.reply-preview-quote').textContent()).resolves.toContain('Когда вам удобно');
    await sendText(chat, 'Завтра после 17:00');
    const reply = await nextMessage();
    expect(reply.text).toBe('Завтра после 17:00');
    expect(reply.reply_to_message?.message_id).toBe(question.message_id);
    await expect(
      (await waitForBubble(chat, 'Завтра после 17:00', 'user')).locator('.quote').textContent(),
    ).resolves.toContain('Когда вам удобно');

    const fileInput = chat.locator('.file-input');
    await fileInput.setInputFiles({
      name: 'справка.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.alloc(2048),
    });
    const document = await nextMessage();
    expect(document.document).toMatchObject({ file_name: 'справка.pdf', file_size: 2048 });
    await waitForBubble(chat, 'справка.pdf', 'user');

    await chat.locator('.text-input').fill('Фото документа');
    await fileInput.setInputFiles({ name: 'фото.png', mimeType: 'image/png', buffer: TINY_PNG });
    const photo = await nextMessage();
    expect(photo.photo?.length).toBeGreaterThan(0);
    expect(photo.caption).toBe('Фото документа');
    await waitForBubble(chat, 'Фото документа', 'user');
  });

  it('sends a text over 4,096 characters as Telegram does: consecutive messages cut at a line or a space', async () => {
    const chat = pane(browser.page, PERSON.id);
    const question = await bot.sendMessage(PERSON.id, 'Расскажите, что случилось?');
    const bubble = await waitForBubble(chat, 'Расскажите, что случилось?');
    await bubble.hover();
    await bubble.locator('.reply-action').click();
    const paragraph = Array.from({ length: 60 }, (_, i) => `слово${i}`).join(' ');
    const text = Array.from({ length: 22 }, (_, i) => `Абзац ${i}. ${paragraph}`).join('\n');
    expect(text.length).toBeGreaterThan(9000);
    await sendText(chat, text);
    const parts: Message[] = [];
    // The parts come one after another, maybe in one batch of updates.
    while (parts.map((m) => m.text ?? '').join('').length < text.length - 10) {
      const updates = await nextUpdates();
      if (updates.length === 0) break;
      parts.push(...updates.flatMap((update) => (update.message ? [update.message] : [])));
    }
    expect(parts).toHaveLength(3);
    for (const part of parts) expect((part.text ?? '').length).toBeLessThanOrEqual(4096);
    // Cut at line breaks, nothing lost or reordered; the reply goes with the first part.
    expect(parts.map((m) => m.text).join('\n')).toBe(text);
    expect(parts[0]?.reply_to_message?.message_id).toBe(question.message_id);
    expect(parts.slice(1).map((m) => m.reply_to_message)).toEqual([undefined, undefined]);
    await waitForBubble(chat, `Абзац 21. ${paragraph}`, 'user');
    await expect(chat.locator('.toast', { hasText: 'Не получилось' }).count()).resolves.toBe(0);
    await expect(chat.locator('.text-input').inputValue()).resolves.toBe('');
  });

  it('refuses a single message over 4,096 characters sent past the page, in words a person reads', async () => {
    const response = await fetch(`${web.url}/api/chats/${PERSON.id}/text`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'я'.repeat(5000) }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'сообщение длиннее 4 096 символов — обновите страницу: она отправит его частями',
    });
  });

  it('shows the chats side by side, and one at a time on a narrow screen, switched from the people bar', async () => {
    const { page } = browser;
    const shown = () => page.locator('.pane:not([hidden])').evaluateAll((panes) => panes.length);
    await expect(shown()).resolves.toBe(2);
    await page.setViewportSize({ width: 400, height: 800 });
    await expect.poll(shown, { timeout: WAIT_MS }).toBe(1);
    await page.locator(`.chip[data-user-id="${CURATOR.id}"]`).click();
    await pane(page, CURATOR.id).waitFor({ state: 'visible', timeout: WAIT_MS });
    await pane(page, PERSON.id).waitFor({ state: 'hidden', timeout: WAIT_MS });
    // A message to a chat out of sight marks its chip.
    await bot.sendMessage(PERSON.id, 'Новое сообщение');
    await page.locator(`.chip.has-new[data-user-id="${PERSON.id}"]`).waitFor({ timeout: WAIT_MS });
    await page.locator(`.chip[data-user-id="${PERSON.id}"]`).click();
    await waitForBubble(pane(page, PERSON.id), 'Новое сообщение');
    await page.setViewportSize({ width: 1600, height: 900 });
  });

  it('shows each bubble’s time in the region’s zone, not the browser’s', async () => {
    const sent = await bot.sendMessage(PERSON.id, 'Который час?');
    const bubble = await waitForBubble(pane(browser.page, PERSON.id), 'Который час?');
    const inRegion = new Date(sent.date * 1000).toLocaleTimeString('ru-RU', {
      hour: '2-digit',
      minute: '2-digit',
      timeZone: REGION_ZONE,
    });
    const inBrowser = new Date(sent.date * 1000).toLocaleTimeString('ru-RU', {
      hour: '2-digit',
      minute: '2-digit',
      timeZone: 'Europe/Moscow',
    });
    expect(inRegion).not.toBe(inBrowser);
    await expect(bubble.locator('.time').textContent()).resolves.toBe(inRegion);
  });

  it('fits five chats side by side on a 1900-px screen, none off screen', async () => {
    const { page } = browser;
    await page.setViewportSize({ width: 1900, height: 900 });
    const five = [PERSON, CURATOR, ...MORE];
    for (const user of five) {
      if (await pane(page, user.id).isHidden())
        await page.locator(`.chip[data-user-id="${user.id}"]`).click();
      await pane(page, user.id).waitFor({ state: 'visible', timeout: WAIT_MS });
    }
    await expect(page.locator('.pane:not([hidden])').count()).resolves.toBe(5);
    for (const user of five) {
      const box = await pane(page, user.id).boundingBox();
      expect(box).not.toBeNull();
      expect(box!.x + box!.width).toBeLessThanOrEqual(1900);
    }
    const rowOverflows = await page.locator('.panes').evaluate((row) => row.scrollWidth > row.clientWidth);
    expect(rowOverflows).toBe(false);
    for (const user of MORE) await page.locator(`.chip[data-user-id="${user.id}"]`).click();
    await page.setViewportSize({ width: 1600, height: 900 });
  });

  it('has a favicon, not a 404', async () => {
    for (const path of ['/favicon.svg', '/favicon.ico']) {
      const response = await fetch(`${web.url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/svg+xml');
      expect(await response.text()).toContain('<svg');
    }
    const link = await browser.page.locator('link[rel="icon"]').getAttribute('href');
    expect(link).toBe('/favicon.svg');
  });

  it('asks before starting over, and «Отмена» keeps everything', async () => {
    const { page } = browser;
    const chat = pane(page, PERSON.id);
    const before = resets;
    const rows = await chat.locator('.message-row').count();
    expect(rows).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Начать заново', exact: true }).click();
    const question = page.getByRole('alertdialog');
    await expect(question.textContent()).resolves.toContain('Все переписки и данные песочницы сотрутся');
    await question.getByRole('button', { name: 'Отмена' }).click();
    await question.waitFor({ state: 'hidden', timeout: WAIT_MS });
    await page.getByRole('button', { name: 'Начать заново', exact: true }).waitFor({ timeout: WAIT_MS });
    expect(resets).toBe(before);
    await expect(chat.locator('.message-row').count()).resolves.toBe(rows);
  });

  it('starts over on «Начать заново» once it is confirmed', async () => {
    const chat = pane(browser.page, PERSON.id);
    const before = resets;
    await browser.page.getByRole('button', { name: 'Начать заново', exact: true }).click();
    await browser.page.getByRole('button', { name: 'Да, начать заново' }).click();
    await expect.poll(() => chat.locator('.message-row').count(), { timeout: WAIT_MS }).toBe(0);
    expect(resets).toBe(before + 1);
    await bot.sendMessage(PERSON.id, 'Снова здравствуйте');
    await waitForBubble(chat, 'Снова здравствуйте');
    expect(await appears(chat.locator('.reply-keyboard'), 300)).toBe(false);
  });
});
