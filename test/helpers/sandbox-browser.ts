/**
 * Driving the sandbox page in headless Chromium (playwright-core): launching it, and what a person does in a
 * chat pane — type, click a button, wait for a bubble.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sparticuzChromium from '@sparticuz/chromium';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';

export const WAIT_MS = 15_000;

/**
 * The browser comes through npm: @sparticuz/chromium ships a Chromium build inside the registry package and
 * unpacks it into the temp directory on first use (global-setup.ts does that once, before the test files run
 * in parallel). Nothing to install by hand; `CHROMIUM_PATH` points at another build when wanted.
 */
export async function chromiumPath(): Promise<string> {
  return process.env.CHROMIUM_PATH ?? (await sparticuzChromium.executablePath());
}

export interface LaunchedBrowser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile, so nothing is cached from an earlier run. */
export async function launchChromium(): Promise<LaunchedBrowser> {
  const executablePath = await chromiumPath();
  const profile = await mkdtemp(join(tmpdir(), 'patronazh-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1600, height: 900 },
    locale: 'ru-RU',
    // The region's zone, so the bubbles' times agree with the times the bot writes in its texts.
    timezoneId: 'Europe/Moscow',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** The chat pane of one emulated person. */
export function pane(page: Page, userId: number): Locator {
  return page.locator(`.pane[data-user-id="${userId}"]`);
}

/** Types a message into the chat's input and presses Enter. */
export async function sendText(chat: Locator, text: string): Promise<void> {
  const input = chat.locator('.text-input');
  await input.fill(text);
  await input.press('Enter');
}

/** Waits for a bubble containing `text` (from the bot unless `from` says otherwise) and returns its row. */
export async function waitForBubble(
  chat: Locator,
  text: string,
  from: 'bot' | 'user' = 'bot',
): Promise<Locator> {
  const bubble = chat.locator(`.message-row.from-${from}`, { hasText: text }).last();
  await bubble.waitFor({ state: 'visible', timeout: WAIT_MS });
  return bubble;
}

function exactly(label: string): RegExp {
  return new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
}

/** Clicks the inline button with exactly this label on the latest bot message that has one. */
export async function clickButton(chat: Locator, label: string): Promise<void> {
  const button = chat.locator('.message-row.from-bot .inline-button', { hasText: exactly(label) }).last();
  await clickOrExplain(chat, button, label);
}

/** Waits for the bot's question containing `question`, then clicks its button with exactly this label. */
export async function answerWithButton(chat: Locator, question: string, label: string): Promise<void> {
  const row = await waitForBubble(chat, question);
  await clickOrExplain(chat, row.locator('.inline-button', { hasText: exactly(label) }), label);
}

/** Waits for the bot's question containing `question`, then types the answer. */
export async function answerWithText(chat: Locator, question: string, text: string): Promise<void> {
  await waitForBubble(chat, question);
  await sendText(chat, text);
}

/** A click that, when the button is not there, fails naming the buttons and the last bot message the chat shows. */
async function clickOrExplain(chat: Locator, button: Locator, label: string): Promise<void> {
  try {
    await button.first().click({ timeout: WAIT_MS });
  } catch (error) {
    const offered = await chat.locator('.inline-button, .reply-button').allTextContents();
    const lastBotText = await chat
      .locator('.message-row.from-bot .text')
      .last()
      .textContent({ timeout: 1000 });
    throw new Error(
      `no button ${JSON.stringify(label)}; the chat offers ${JSON.stringify(offered)}; ` +
        `the bot's last message: ${JSON.stringify(lastBotText)}\n${String(error)}`,
    );
  }
}

/** Clicks the button with exactly this label (icon aside) on the keyboard under the input. */
export async function clickReplyButton(chat: Locator, label: string): Promise<void> {
  const button = chat.locator('.reply-keyboard .reply-button', {
    hasText: new RegExp(`${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`),
  });
  await clickOrExplain(chat, button, label);
}

/** Resolves whether `locator` shows up within `timeoutMs`: for steps the bot may or may not offer yet. */
export async function appears(locator: Locator, timeoutMs = 2000): Promise<boolean> {
  return locator.waitFor({ state: 'visible', timeout: timeoutMs }).then(
    () => true,
    () => false,
  );
}

/**
 * Replies to the message in `row` the way a person does in the page: «ответить» on its bubble, then the
 * text. The page sends it with reply_to_message, as Telegram does for a swipe-reply.
 */
export async function replyToMessage(chat: Locator, row: Locator, text: string): Promise<void> {
  await row.locator('.reply-action').click({ timeout: WAIT_MS });
  await chat.locator('.reply-preview').waitFor({ state: 'visible', timeout: WAIT_MS });
  await sendText(chat, text);
}

/** Clicks the inline button with exactly this label under the message in `row`. */
export async function clickButtonOn(chat: Locator, row: Locator, label: string): Promise<void> {
  await clickOrExplain(chat, row.locator('.inline-button', { hasText: exactly(label) }), label);
}
