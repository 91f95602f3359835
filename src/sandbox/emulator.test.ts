import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Api, Bot, InlineKeyboard, InputFile, Keyboard } from 'grammy';
import type { Message, Update } from 'grammy/types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmulatorClient, EmulatorClientError } from '../../test/helpers/emulator-client.js';
import { createEmulator, type Emulator, type EmulatorEvent, type WebhookAnswer } from './emulator.js';

const TOKEN = '123456:TEST-emulator-token';

let emulator: Emulator;
let api: Api;

beforeEach(async () => {
  emulator = createEmulator({ token: TOKEN, botUsername: 'patronage_test_bot' });
  await emulator.start();
  api = new Api(TOKEN, { apiRoot: emulator.apiRoot });
});

afterEach(async () => {
  await emulator.stop();
});

/** Calls the emulated Bot API with plain fetch and returns status and JSON body. */
async function rawCall(
  method: string,
  body: unknown,
  token = TOKEN,
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${emulator.url}/bot${token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

/** A local webhook receiver whose answer status can be scripted. */
async function startWebhookReceiver(statuses: number[] = []): Promise<{
  url: string;
  received: Array<{ headers: IncomingHttpHeaders; update: Update }>;
  server: Server;
}> {
  const received: Array<{ headers: IncomingHttpHeaders; update: Update }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, update: JSON.parse(Buffer.concat(chunks).toString()) as Update });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, received, server };
}

async function waitUntil(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('Bot API basics', () => {
  it('answers getMe with the bot derived from the token', async () => {
    const me = await api.getMe();
    expect(me).toMatchObject({ id: 123456, is_bot: true, username: 'patronage_test_bot' });
  });

  it('answers 401 to a wrong token and 404 to an unknown method, in Telegram shapes', async () => {
    expect(await rawCall('getMe', {}, '123456:wrong')).toEqual({
      status: 401,
      json: { ok: false, error_code: 401, description: 'Unauthorized' },
    });
    expect(await rawCall('sendTelepathy', {})).toEqual({
      status: 404,
      json: { ok: false, error_code: 404, description: 'Not Found' },
    });
  });

  it('accepts url-encoded forms and case-insensitive method names', async () => {
    const user = emulator.createUser({ first_name: 'Form' });
    const response = await fetch(`${emulator.url}/bot${TOKEN}/SENDMESSAGE`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        chat_id: String(user.id),
        text: 'from a form',
        reply_markup: JSON.stringify({ inline_keyboard: [[{ text: 'Go', callback_data: 'go' }]] }),
      }),
    });
    const json = (await response.json()) as { ok: boolean; result: { text: string; reply_markup: unknown } };
    expect(json.ok).toBe(true);
    expect(json.result.text).toBe('from a form');
    expect(json.result.reply_markup).toEqual({ inline_keyboard: [[{ text: 'Go', callback_data: 'go' }]] });
  });

  it('refuses sends to unknown chats, empty and too long texts', async () => {
    const user = emulator.createUser({ first_name: 'Ann' });
    await expect(api.sendMessage(42, 'hello')).rejects.toMatchObject({
      error_code: 400,
      description: 'Bad Request: chat not found',
    });
    await expect(api.sendMessage(user.id, '   ')).rejects.toMatchObject({
      description: 'Bad Request: message text is empty',
    });
    await expect(api.sendMessage(user.id, 'x'.repeat(4097))).rejects.toMatchObject({
      description: 'Bad Request: message is too long',
    });
    expect((await api.sendMessage(user.id, 'x'.repeat(4096))).text).toHaveLength(4096);
  });

  it('parses HTML like Telegram and rejects broken markup', async () => {
    const user = emulator.createUser({ first_name: 'Ann' });
    const sent = await api.sendMessage(
      user.id,
      '<b>Hi</b> &lt;you&gt;, <a href="https://example.org">site</a>',
      {
        parse_mode: 'HTML',
      },
    );
    expect(sent.text).toBe('Hi <you>, site');
    expect(sent.entities).toEqual([
      { type: 'bold', offset: 0, length: 2 },
      { type: 'text_link', offset: 10, length: 4, url: 'https://example.org' },
    ]);
    await expect(api.sendMessage(user.id, 'line<br>break', { parse_mode: 'HTML' })).rejects.toMatchObject({
      description: 'Bad Request: can\'t parse entities: Unsupported start tag "br" at byte offset 4',
    });
    await expect(api.sendMessage(user.id, 'Done.', { parse_mode: 'MarkdownV2' })).rejects.toMatchObject({
      description:
        "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
    });
    const markdown = await api.sendMessage(user.id, '*bold* and `code`\\.', { parse_mode: 'MarkdownV2' });
    expect(markdown.text).toBe('bold and code.');
    expect(markdown.entities?.map((entity) => entity.type)).toEqual(['bold', 'code']);
  });

  it('keeps bot commands per scope and language', async () => {
    await api.setMyCommands([{ command: 'start', description: 'Begin' }]);
    await api.setMyCommands([{ command: 'start', description: 'Начать' }], { language_code: 'ru' });
    expect(await api.getMyCommands()).toEqual([{ command: 'start', description: 'Begin' }]);
    expect(await api.getMyCommands({ language_code: 'ru' })).toEqual([
      { command: 'start', description: 'Начать' },
    ]);
    expect(emulator.commands()).toHaveLength(2);
    await api.deleteMyCommands({ language_code: 'ru' });
    expect(await api.getMyCommands({ language_code: 'ru' })).toEqual([]);
    await expect(api.setMyCommands([{ command: 'Bad-Command', description: 'x' }])).rejects.toMatchObject({
      error_code: 400,
    });
  });
});

describe('getUpdates', () => {
  it('holds a long poll open while there is nothing, then answers empty at the timeout', async () => {
    const started = Date.now();
    expect(await api.getUpdates({ timeout: 1 })).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('answers a waiting long poll as soon as an update arrives, and forgets confirmed updates', async () => {
    const user = emulator.createUser({ first_name: 'Ann' });
    const started = Date.now();
    const poll = api.getUpdates({ timeout: 20 });
    setTimeout(() => emulator.sendText(user.id, '/start'), 100);
    const updates = await poll;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(updates).toHaveLength(1);
    const [update] = updates;
    expect(update?.message).toMatchObject({
      message_id: 1,
      text: '/start',
      from: { id: user.id, first_name: 'Ann', is_bot: false },
      chat: { id: user.id, type: 'private' },
      entities: [{ type: 'bot_command', offset: 0, length: 6 }],
    });
    // Not confirmed yet: delivered again.
    expect(await api.getUpdates({ timeout: 0 })).toHaveLength(1);
    expect(await api.getUpdates({ offset: (update?.update_id ?? 0) + 1, timeout: 0 })).toEqual([]);
    expect(emulator.stats().pendingUpdates).toBe(0);
  });

  it('delivers an update injected twice with the same update_id twice', async () => {
    const user = emulator.createUser({ first_name: 'Ann' });
    const first = emulator.sendText(user.id, 'hello');
    const [original] = emulator.injectedUpdates();
    if (!original) throw new Error('no update recorded');
    const delivered = await api.getUpdates({ timeout: 0 });
    await api.getUpdates({ offset: first.update_id + 1, timeout: 0 });
    expect(emulator.injectUpdate(original)).toEqual({ update_id: first.update_id, message_id: 1 });
    const again = await api.getUpdates({ offset: first.update_id + 1, timeout: 0 });
    expect(again).toEqual(delivered);
  });

  it('terminates an older long poll when a newer one starts, as Telegram does', async () => {
    const older = api.getUpdates({ timeout: 10 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const newer = api.getUpdates({ timeout: 0 });
    await expect(older).rejects.toMatchObject({ error_code: 409 });
    expect(await newer).toEqual([]);
  });
});

describe('webhook', () => {
  it('POSTs updates with the secret header and makes getUpdates answer 409', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const user = emulator.createUser({ first_name: 'Ann' });
      await api.setWebhook(receiver.url, { secret_token: 'my_secret-1' });
      expect(emulator.webhookInfo()).toMatchObject({ url: receiver.url, pending_update_count: 0 });
      await expect(api.getUpdates()).rejects.toMatchObject({
        error_code: 409,
        description:
          "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      });
      const { update_id } = emulator.sendText(user.id, 'over the hook');
      await waitUntil(() => receiver.received.length === 1);
      const [delivery] = receiver.received;
      expect(delivery?.headers['x-telegram-bot-api-secret-token']).toBe('my_secret-1');
      expect(delivery?.headers['content-type']).toBe('application/json');
      expect(delivery?.update).toMatchObject({ update_id, message: { text: 'over the hook' } });
      await waitUntil(() => emulator.stats().webhook.delivered === 1);
      await api.deleteWebhook();
      expect(await api.getUpdates({ timeout: 0 })).toEqual([]);
    } finally {
      receiver.server.close();
    }
  });

  it('retries while the webhook fails and delivers the updates of a chat in order', async () => {
    const receiver = await startWebhookReceiver([500, 502]);
    try {
      const user = emulator.createUser({ first_name: 'Ann' });
      await api.setWebhook(receiver.url);
      emulator.sendText(user.id, 'first');
      emulator.sendText(user.id, 'second');
      await waitUntil(() => receiver.received.length === 4);
      expect(receiver.received.map((delivery) => delivery.update.message?.text)).toEqual([
        'first',
        'first',
        'first',
        'second',
      ]);
      await waitUntil(() => emulator.stats().webhook.delivered === 2);
      expect(emulator.webhookInfo().last_error_message).toBe(
        'Wrong response from the webhook: 502 Bad Gateway',
      );
    } finally {
      receiver.server.close();
    }
  });

  it('runs a method call the webhook answers with, like Telegram', async () => {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ method: 'sendMessage', chat_id: user.id, text: 'replied in the webhook answer' }),
        );
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const user = emulator.createUser({ first_name: 'Ann' });
    try {
      await api.setWebhook(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      emulator.sendText(user.id, 'hi');
      expect((await emulator.waitForMessage(user.id, undefined, 2000)).text).toBe(
        'replied in the webhook answer',
      );
    } finally {
      server.close();
    }
  });

  it('gives an update up when the webhook keeps failing, and records it', async () => {
    const quick = createEmulator({ token: TOKEN, webhookGiveUpMs: 300 });
    await quick.start();
    try {
      const user = quick.createUser({ first_name: 'Ann' });
      await new Api(TOKEN, { apiRoot: quick.apiRoot }).setWebhook('http://127.0.0.1:9/unreachable');
      const { update_id } = quick.sendText(user.id, 'lost');
      await waitUntil(() => quick.stats().webhook.failures.length === 1);
      expect(quick.stats().webhook.failures[0]).toMatchObject({
        update_id,
        url: 'http://127.0.0.1:9/unreachable',
      });
      expect(quick.stats().pendingUpdates).toBe(0);
    } finally {
      await quick.stop();
    }
  });

  it('reports each webhook answer with its update and whether it was a 2xx (benchmarks time them)', async () => {
    const answers: WebhookAnswer[] = [];
    const timed = createEmulator({ token: TOKEN, onWebhookAnswered: (answer) => answers.push(answer) });
    await timed.start();
    const receiver = await startWebhookReceiver([503]);
    try {
      const user = timed.createUser({ first_name: 'Ann' });
      await new Api(TOKEN, { apiRoot: timed.apiRoot }).setWebhook(receiver.url);
      const { update_id } = timed.sendText(user.id, 'timed');
      await waitUntil(() => answers.length === 2);
      expect(answers.map((answer) => [answer.update_id, answer.ok])).toEqual([
        [update_id, false],
        [update_id, true],
      ]);
      expect(answers.every((answer) => answer.ms >= 0 && Number.isFinite(answer.ms))).toBe(true);
    } finally {
      receiver.server.close();
      await timed.stop();
    }
  });
});

describe('messages, buttons and edits', () => {
  it('turns a press on an inline button into a callback_query and records the answer', async () => {
    const user = emulator.createUser({ first_name: 'Ann' });
    const sent = await api.sendMessage(user.id, 'Continue?', {
      reply_markup: new InlineKeyboard().text('Yes', 'answer:yes').text('No', 'answer:no'),
    });
    const { callback_query_id, update_id } = emulator.pressButtonByText(user.id, undefined, 'No');
    const [update] = await api.getUpdates({ timeout: 0 });
    expect(update?.update_id).toBe(update_id);
    expect(update?.callback_query).toMatchObject({
      id: callback_query_id,
      from: { id: user.id },
      data: 'answer:no',
      message: { message_id: sent.message_id, text: 'Continue?' },
    });
    await api.answerCallbackQuery(callback_query_id ?? '', { text: 'Noted', show_alert: true });
    expect(emulator.callbackAnswers()).toMatchObject([
      { callback_query_id, user_id: user.id, message_id: sent.message_id, text: 'Noted', show_alert: true },
    ]);
    await expect(api.answerCallbackQuery('no-such-query')).rejects.toMatchObject({
      description: 'Bad Request: query is too old and response timeout expired or query ID is invalid',
    });
    expect(() => emulator.pressButtonByText(user.id, sent.message_id, 'Maybe')).toThrow(
      /has no button "Maybe"/,
    );
    // Forged data is allowed.
    expect(emulator.pressButton(user.id, sent.message_id, 'forged').callback_query_id).toBeDefined();
  });

  it('rejects callback data longer than 64 bytes', async () => {
    const user = emulator.createUser({ first_name: 'Ann' });
    await expect(
      api.sendMessage(user.id, 'x', { reply_markup: new InlineKeyboard().text('Long', 'd'.repeat(65)) }),
    ).rejects.toMatchObject({ description: 'Bad Request: BUTTON_DATA_INVALID' });
  });

  it('keeps the history of edits and refuses an edit that changes nothing', async () => {
    const user = emulator.createUser({ first_name: 'Ann' });
    const keyboard = new InlineKeyboard().text('Refresh', 'refresh');
    const sent = await api.sendMessage(user.id, 'Version 1', { reply_markup: keyboard });
    const waitingForEdit = emulator.waitForEdit(user.id, sent.message_id);
    const edited = await api.editMessageText(user.id, sent.message_id, 'Version 2', {
      reply_markup: keyboard,
    });
    expect(edited).toMatchObject({
      text: 'Version 2',
      reply_markup: { inline_keyboard: [[{ text: 'Refresh' }]] },
    });
    expect((await waitingForEdit).text).toBe('Version 2');
    await expect(
      api.editMessageText(user.id, sent.message_id, 'Version 2', { reply_markup: keyboard }),
    ).rejects.toMatchObject({
      error_code: 400,
      description:
        'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
    });
    // Like Telegram, an edit without reply_markup drops the keyboard.
    const withoutKeyboard = await api.editMessageText(user.id, sent.message_id, 'Version 2');
    expect(withoutKeyboard).not.toHaveProperty('reply_markup');
    const [stored] = emulator.messages(user.id, { from: 'bot' });
    expect(stored?.previous_versions?.map((version) => version.text)).toEqual(['Version 1', 'Version 2']);
    expect(stored?.edit_date).toBeTypeOf('number');
    await expect(api.editMessageText(user.id, 999, 'nope')).rejects.toMatchObject({
      description: 'Bad Request: message to edit not found',
    });
  });

  it('edits captions and inline keyboards of media messages', async () => {
    const user = emulator.createUser({ first_name: 'Ann' });
    const sent = await api.sendPhoto(user.id, new InputFile(Buffer.from('img'), 'p.jpg'), { caption: 'old' });
    await expect(api.editMessageText(user.id, sent.message_id, 'text')).rejects.toMatchObject({
      description: 'Bad Request: there is no text in the message to edit',
    });
    const recaptioned = await api.editMessageCaption(user.id, sent.message_id, {
      caption: '<i>new</i>',
      parse_mode: 'HTML',
    });
    expect(recaptioned).toMatchObject({
      caption: 'new',
      caption_entities: [{ type: 'italic', offset: 0, length: 3 }],
    });
    const withButtons = await api.editMessageReplyMarkup(user.id, sent.message_id, {
      reply_markup: new InlineKeyboard().url('Open', 'https://example.org'),
    });
    expect(withButtons).toMatchObject({
      reply_markup: { inline_keyboard: [[{ text: 'Open', url: 'https://example.org' }]] },
    });
    expect(emulator.messages(user.id)[0]?.previous_versions).toHaveLength(2);
  });

  it('replaces a file (editMessageMedia) as Telegram allows: not a voice message, and in an album only its kind', async () => {
    const user = emulator.createUser({ first_name: 'Ann' });
    const photo = await api.sendPhoto(user.id, new InputFile(Buffer.from('img'), 'p.jpg'), {
      caption: 'old',
    });
    const replaced = await api.editMessageMedia(user.id, photo.message_id, {
      type: 'document',
      media: new InputFile(Buffer.from('gone'), 'removed.txt'),
      caption: 'Убрано',
    });
    expect(replaced).toMatchObject({ caption: 'Убрано', document: { file_name: 'removed.txt' } });
    expect(replaced).not.toHaveProperty('photo');
    const voice = await api.sendVoice(user.id, new InputFile(Buffer.from('ogg'), 'v.ogg'));
    await expect(
      api.editMessageMedia(user.id, voice.message_id, {
        type: 'photo',
        media: new InputFile(Buffer.from('x'), 'x.png'),
      }),
    ).rejects.toMatchObject({ description: "Bad Request: message can't be edited" });
    const album = await api.sendMediaGroup(user.id, [
      { type: 'document', media: new InputFile(Buffer.from('a'), 'a.pdf') },
      { type: 'document', media: new InputFile(Buffer.from('b'), 'b.pdf') },
    ]);
    await expect(
      api.editMessageMedia(user.id, album[1]!.message_id, {
        type: 'photo',
        media: new InputFile(Buffer.from('x'), 'x.png'),
      }),
    ).rejects.toMatchObject({
      description: "Bad Request: can't edit the media type of a message in an album",
    });
    const inAlbum = await api.editMessageMedia(user.id, album[1]!.message_id, {
      type: 'document',
      media: new InputFile(Buffer.from('gone'), 'removed.txt'),
    });
    expect(inAlbum).toMatchObject({
      document: { file_name: 'removed.txt' },
      media_group_id: (album[1] as Message).media_group_id,
    });
    // Not the person's own message.
    const theirs = emulator.sendPhoto(user.id).message_id!;
    await expect(
      api.editMessageMedia(user.id, theirs, {
        type: 'photo',
        media: new InputFile(Buffer.from('x'), 'x.png'),
      }),
    ).rejects.toMatchObject({ description: "Bad Request: message can't be edited" });
  });

  it('stores both sides of a chat, replies and deletions', async () => {
    const user = emulator.createUser({ first_name: 'Ann' });
    const { message_id: question } = emulator.sendText(user.id, 'Where is my curator?');
    const reply = await api.sendMessage(user.id, 'On the way', {
      reply_parameters: { message_id: question },
    });
    expect(reply.reply_to_message).toMatchObject({ message_id: question, text: 'Where is my curator?' });
    await api.deleteMessage(user.id, reply.message_id);
    await expect(api.deleteMessage(user.id, reply.message_id)).rejects.toMatchObject({
      description: 'Bad Request: message to delete not found',
    });
    const stored = emulator.messages(user.id);
    expect(stored.map((message) => [message.message_id, message.from?.is_bot, message.deleted])).toEqual([
      [1, false, undefined],
      [2, true, true],
    ]);
    expect(emulator.messages(user.id, { from: 'user' })).toHaveLength(1);
  });

  it('deletes a message only within 48 hours of sending, by its own controllable clock; edits have no limit', async () => {
    const user = emulator.createUser({ first_name: 'Ann' });
    const old = await api.sendMessage(user.id, 'Card with personal data');
    const recent = await api.sendMessage(user.id, 'Another card');
    expect(emulator.advanceClock(47 * 3600 * 1000)).toBe(47 * 3600 * 1000);
    await api.deleteMessage(user.id, recent.message_id);
    emulator.advanceClock(3600 * 1000 + 1000);
    await expect(api.deleteMessage(user.id, old.message_id)).rejects.toMatchObject({
      description: "Bad Request: message can't be deleted for everyone",
    });
    const fresh = await api.sendMessage(user.id, 'Sent now, by the advanced clock');
    expect(fresh.date - old.date).toBeGreaterThanOrEqual(48 * 3600);
    // deleteMessages skips what is too old and deletes the rest.
    await api.deleteMessages(user.id, [old.message_id, fresh.message_id]);
    const edited = await api.editMessageText(user.id, old.message_id, 'Data deleted');
    expect(edited).toMatchObject({ text: 'Data deleted' });
    expect(emulator.messages(user.id).map((m) => [m.message_id, m.deleted ?? false])).toEqual([
      [old.message_id, false],
      [recent.message_id, true],
      [fresh.message_id, true],
    ]);
    // A video note has no caption to replace.
    const { message_id: noteId } = emulator.sendVideoNote(user.id);
    const copy = await api.copyMessage(user.id, user.id, noteId!);
    await expect(api.editMessageCaption(user.id, copy.message_id, { caption: 'x' })).rejects.toMatchObject({
      description: 'Bad Request: there is no caption in the message to edit',
    });
  });

  it('waits for bot messages in order, each wait taking the next one', async () => {
    const user = emulator.createUser({ first_name: 'Ann' });
    await api.sendMessage(user.id, 'one');
    await api.sendMessage(user.id, 'two');
    expect((await emulator.waitForMessage(user.id)).text).toBe('one');
    expect((await emulator.waitForMessage(user.id)).text).toBe('two');
    const third = emulator.waitForMessage(user.id, (message) => message.text === 'three');
    setTimeout(() => void api.sendMessage(user.id, 'three'), 20);
    expect((await third).text).toBe('three');
    await expect(emulator.waitForMessage(user.id, undefined, 100)).rejects.toThrow(/Timed out after 100 ms/);
  });

  it('shares the user own contact when a request_contact reply button is pressed', async () => {
    const user = emulator.createUser({ first_name: 'Ann', phone_number: '+380501112233' });
    await api.sendMessage(user.id, 'Share your phone', {
      reply_markup: new Keyboard().requestContact('Share phone').resized(),
    });
    expect(emulator.messages(user.id, { from: 'bot' })[0]?.reply_keyboard).toMatchObject({
      keyboard: [[{ text: 'Share phone', request_contact: true }]],
    });
    emulator.pressReplyButton(user.id, 'Share phone');
    const [update] = await api.getUpdates({ timeout: 0 });
    expect(update?.message?.contact).toEqual({
      phone_number: '+380501112233',
      first_name: 'Ann',
      user_id: user.id,
    });
    await api.sendMessage(user.id, 'Thanks', { reply_markup: { remove_keyboard: true } });
    expect(() => emulator.pressReplyButton(user.id, 'Share phone')).toThrow(/no reply keyboard/);
  });

  it('produces an edited_message update when the user edits a text', async () => {
    const user = emulator.createUser({ first_name: 'Ann' });
    const { message_id } = emulator.sendText(user.id, 'typo');
    emulator.editText(user.id, message_id ?? 0, 'fixed');
    const updates = await api.getUpdates({ timeout: 0 });
    expect(updates[1]?.edited_message).toMatchObject({ message_id, text: 'fixed' });
    expect(updates[1]?.edited_message?.edit_date).toBeTypeOf('number');
  });
});

describe('media and files', () => {
  it('uploads an InputFile by multipart and serves its bytes through getFile', async () => {
    const user = emulator.createUser({ first_name: 'Ann' });
    const sent = await api.sendDocument(user.id, new InputFile(Buffer.from('hi'), 'a.txt'), {
      caption: 'notes',
    });
    expect(sent.document).toMatchObject({ file_name: 'a.txt', mime_type: 'text/plain', file_size: 2 });
    expect(sent.caption).toBe('notes');
    const file = await api.getFile(sent.document?.file_id ?? '');
    expect(file.file_path).toMatch(/^documents\/file_\d+\.txt$/);
    const download = await fetch(`${emulator.url}/file/bot${TOKEN}/${file.file_path}`);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe('hi');
    await expect(api.getFile('no-such-file')).rejects.toMatchObject({
      description: 'Bad Request: invalid file_id',
    });
  });

  it('copies a photo and a document a user sent to another chat', async () => {
    const family = emulator.createUser({ first_name: 'Family' });
    const curator = emulator.createUser({ first_name: 'Curator' });
    const photo = emulator.sendPhoto(family.id, { caption: 'the paper' });
    const document = emulator.sendDocument(family.id, { file_name: 'scan.pdf', content: '%PDF-1.4' });
    const [photoUpdate, documentUpdate] = await api.getUpdates({ timeout: 0 });
    const photoCopy = await api.copyMessage(curator.id, family.id, photo.message_id ?? 0);
    const documentCopy = await api.copyMessage(curator.id, family.id, document.message_id ?? 0, {
      caption: 'from the family',
    });
    const copies = emulator.messages(curator.id, { from: 'bot' });
    expect(copies.map((message) => message.message_id)).toEqual([
      photoCopy.message_id,
      documentCopy.message_id,
    ]);
    expect(copies[0]?.photo).toEqual(photoUpdate?.message?.photo);
    expect(copies[0]?.caption).toBe('the paper');
    expect(copies[1]?.document).toEqual(documentUpdate?.message?.document);
    expect(copies[1]?.caption).toBe('from the family');
    const file = await api.getFile(copies[1]?.document?.file_id ?? '');
    const bytes = await fetch(`${emulator.url}/file/bot${TOKEN}/${file.file_path}`);
    expect(await bytes.text()).toBe('%PDF-1.4');
    await expect(api.copyMessage(curator.id, family.id, 999)).rejects.toMatchObject({
      description: 'Bad Request: message to copy not found',
    });
  });

  it('sends a media group as messages sharing a media_group_id', async () => {
    const user = emulator.createUser({ first_name: 'Ann' });
    const messages: Message[] = await api.sendMediaGroup(user.id, [
      { type: 'photo', media: new InputFile(Buffer.from('a'), 'a.jpg'), caption: 'first' },
      { type: 'photo', media: 'https://example.org/b.jpg' },
    ]);
    expect(messages).toHaveLength(2);
    expect(messages[0]?.media_group_id).toBeDefined();
    expect(messages[1]?.media_group_id).toBe(messages[0]?.media_group_id);
    expect(messages[0]?.photo?.[0]?.file_id).not.toBe(messages[1]?.photo?.[0]?.file_id);
    expect(emulator.stats().acceptedSends).toBe(2);
  });
});

describe('blocking and flood limits', () => {
  it('answers 403 to every send and edit once the user blocked the bot', async () => {
    const user = emulator.createUser({ first_name: 'Ann' });
    const sent = await api.sendMessage(user.id, 'before');
    expect(emulator.setBlocked(user.id, true).update_id).toBeDefined();
    const blocked = { error_code: 403, description: 'Forbidden: bot was blocked by the user' };
    await expect(api.sendMessage(user.id, 'after')).rejects.toMatchObject(blocked);
    await expect(api.sendPhoto(user.id, 'some-file-id')).rejects.toMatchObject(blocked);
    await expect(api.editMessageText(user.id, sent.message_id, 'changed')).rejects.toMatchObject(blocked);
    const [update] = await api.getUpdates({ timeout: 0 });
    expect(update?.my_chat_member?.new_chat_member.status).toBe('kicked');
    emulator.setBlocked(user.id, false);
    await api.sendMessage(user.id, 'welcome back');
  });

  it('refuses a second message to a chat within a second with 429 and does not deliver it', async () => {
    emulator.setLimits({ global: 30, perChat: 1 });
    const ann = emulator.createUser({ first_name: 'Ann' });
    const bob = emulator.createUser({ first_name: 'Bob' });
    await api.sendMessage(ann.id, 'first');
    const refused = await api.sendMessage(ann.id, 'second').catch((error: unknown) => error);
    expect(refused).toMatchObject({ error_code: 429, parameters: { retry_after: 1 } });
    expect((refused as { description: string }).description).toBe('Too Many Requests: retry after 1');
    await api.sendMessage(bob.id, 'another chat is fine');
    // Edits do not count.
    const [first] = emulator.messages(ann.id);
    await api.editMessageText(ann.id, first?.message_id ?? 0, 'first, edited');
    expect(emulator.messages(ann.id).map((message) => message.text)).toEqual(['first, edited']);
    expect(emulator.stats()).toMatchObject({
      acceptedSends: 2,
      tooManyRequests: 1,
      maxSendsPerSecondGlobal: 2,
      maxSendsPerSecondPerChat: 1,
      perChat: { [String(ann.id)]: { acceptedSends: 1, tooManyRequests: 1, maxSendsPerSecond: 1 } },
    });
  });

  it('refuses beyond the global limit and accepts again after the window passed', async () => {
    emulator.setLimits({ global: 3, perChat: 10 });
    const users = [1, 2, 3, 4].map((n) => emulator.createUser({ first_name: `User ${n}` }));
    for (const user of users.slice(0, 3)) await api.sendMessage(user.id, 'hi');
    await expect(api.sendMessage(users[3]?.id ?? 0, 'hi')).rejects.toMatchObject({ error_code: 429 });
    await new Promise((resolve) => setTimeout(resolve, 1050));
    await api.sendMessage(users[3]?.id ?? 0, 'hi');
    expect(emulator.stats().maxSendsPerSecondGlobal).toBe(3);
  });

  it('measures the busiest second globally and per chat even without limits', async () => {
    const ann = emulator.createUser({ first_name: 'Ann' });
    const bob = emulator.createUser({ first_name: 'Bob' });
    for (let i = 0; i < 5; i += 1) await api.sendMessage(ann.id, `a${i}`);
    for (let i = 0; i < 3; i += 1) await api.sendMessage(bob.id, `b${i}`);
    expect(emulator.stats()).toMatchObject({
      acceptedSends: 8,
      tooManyRequests: 0,
      maxSendsPerSecondGlobal: 8,
      maxSendsPerSecondPerChat: 5,
      apiCalls: { sendMessage: 8 },
    });
  });
});

describe('lifecycle', () => {
  it('runs several emulators side by side and can be restarted on the same port', async () => {
    const other = createEmulator({ token: '42:other', port: 0, firstUpdateId: 5000 });
    await other.start();
    try {
      expect(other.url).not.toBe(emulator.url);
      emulator.createUser({ first_name: 'Only here' });
      expect(other.users()).toEqual([]);
      const stranger = other.createUser({ first_name: 'Stranger' });
      expect(other.sendText(stranger.id, 'hi').update_id).toBe(5000);
      const port = Number(new URL(other.url).port);
      await other.stop();
      const again = createEmulator({ token: '42:other', port });
      await again.start();
      expect(again.url).toBe(`http://127.0.0.1:${port}`);
      await again.stop();
    } finally {
      await other.stop();
    }
  });
});

describe('a grammY bot against the emulator', () => {
  it('answers /start in long-polling mode and handles a button press', async () => {
    const bot = new Bot(TOKEN, { client: { apiRoot: emulator.apiRoot } });
    bot.command('start', (ctx) =>
      ctx.reply('Welcome! Need help?', { reply_markup: new InlineKeyboard().text('Yes', 'help') }),
    );
    bot.callbackQuery('help', async (ctx) => {
      await ctx.answerCallbackQuery({ text: 'On it' });
      await ctx.editMessageText('A curator will contact you.');
    });
    let running: Promise<void> = Promise.resolve();
    // Updates sent before the bot dropped pending ones would be lost, as with Telegram: wait for the start.
    await new Promise<void>((resolve) => {
      running = bot.start({ drop_pending_updates: true, onStart: () => resolve() });
    });
    try {
      const user = emulator.createUser({ first_name: 'Maria', language_code: 'uk' });
      emulator.sendText(user.id, '/start');
      const welcome = await emulator.waitForMessage(user.id);
      expect(welcome.text).toBe('Welcome! Need help?');
      emulator.pressButtonByText(user.id, welcome.message_id, 'Yes');
      const edited = await emulator.waitForEdit(user.id, welcome.message_id);
      expect(edited.text).toBe('A curator will contact you.');
      expect(emulator.callbackAnswers()[0]?.text).toBe('On it');
    } finally {
      await bot.stop();
      await running;
    }
  });
});

describe('HTTP control API', () => {
  it('drives a conversation through the typed client', async () => {
    const client = new EmulatorClient(emulator.url);
    const user = await client.createUser({ first_name: 'Olena', username: 'olena' });
    expect(user).toMatchObject({ id: 100000001, first_name: 'Olena', is_bot: false });
    const { update_id } = await client.sendText(user.id, 'Hello');
    const [update] = await api.getUpdates({ timeout: 0 });
    expect(update).toMatchObject({ update_id, message: { text: 'Hello' } });

    const waiting = client.waitForMessage(user.id, { afterMessageId: 1, timeoutMs: 2000 });
    await api.sendMessage(user.id, 'Hi Olena', { reply_markup: new InlineKeyboard().text('Menu', 'menu') });
    expect(await waiting).toMatchObject({ message_id: 2, text: 'Hi Olena' });
    expect((await client.messages(user.id, { from: 'bot' })).map((message) => message.text)).toEqual([
      'Hi Olena',
    ]);

    const press = await client.pressButtonByText(user.id, undefined, 'Menu');
    await api.answerCallbackQuery(press.callback_query_id ?? '');
    expect(await client.callbackAnswers()).toMatchObject([{ callback_query_id: press.callback_query_id }]);

    await client.setBlocked(user.id, true);
    await expect(api.sendMessage(user.id, 'x')).rejects.toMatchObject({ error_code: 403 });

    expect(await client.setLimits({ global: 5, perChat: 1 })).toEqual({ global: 5, perChat: 1 });
    expect(await client.stats()).toMatchObject({ acceptedSends: 1 });

    const raw = await client.injectUpdate({ update_id: 777, message: update?.message });
    expect(raw).toEqual({ update_id: 777, message_id: 1 });
    expect((await client.injectedUpdates()).map((injected) => injected.update_id)).toContain(777);

    await client.reset();
    expect(await client.users()).toEqual([]);
    expect(await client.limits()).toBe(false);
  });

  it('waits for an edit over HTTP without missing one that already happened', async () => {
    const client = new EmulatorClient(emulator.url);
    const user = await client.createUser({ first_name: 'Ann' });
    const sent = await api.sendMessage(user.id, 'Status: new');
    await api.editMessageText(user.id, sent.message_id, 'Status: taken');
    const edited = await client.waitForEdit(user.id, sent.message_id, { afterVersion: 0, timeoutMs: 1000 });
    expect(edited.text).toBe('Status: taken');
    const next = client.waitForEdit(user.id, sent.message_id, { afterVersion: 1, timeoutMs: 2000 });
    await api.editMessageText(user.id, sent.message_id, 'Status: done');
    expect((await next).previous_versions?.map((version) => version.text)).toEqual([
      'Status: new',
      'Status: taken',
    ]);
  });

  it('answers 400 to malformed bodies, 404 to unknown users and 408 when a wait times out', async () => {
    const client = new EmulatorClient(emulator.url);
    const malformed = await fetch(`${emulator.url}/control/users`, {
      method: 'POST',
      body: '{"first_name": ',
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: string }).error).toMatch(/not valid JSON/);
    await expect(client.sendText(5, 'hi')).rejects.toMatchObject({ status: 404 });
    await expect(client.createUser({ first_name: '' })).rejects.toMatchObject({ status: 400 });
    const user = await client.createUser({ first_name: 'Ann' });
    await expect(client.sendLocation(user.id, { latitude: 100, longitude: 0 })).rejects.toBeInstanceOf(
      EmulatorClientError,
    );
    await expect(client.waitForMessage(user.id, { timeoutMs: 50 })).rejects.toMatchObject({ status: 408 });
  });

  it('streams events as Server-Sent Events and to in-process listeners', async () => {
    const client = new EmulatorClient(emulator.url);
    const streamed: EmulatorEvent[] = [];
    const inProcess: EmulatorEvent[] = [];
    const unsubscribe = emulator.onEvent((event) => inProcess.push(event));
    const stop = new AbortController();
    const following = client.followEvents((event) => streamed.push(event), stop.signal);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const user = emulator.createUser({ first_name: 'Ann' });
    emulator.sendText(user.id, 'hello');
    const sent = await api.sendMessage(user.id, 'hi');
    await api.deleteMessage(user.id, sent.message_id);
    await waitUntil(() => streamed.length === 3);
    stop.abort();
    await following;
    unsubscribe();
    expect(streamed.map((event) => [event.type, event.chatId, event.message?.text])).toEqual([
      ['message', user.id, 'hello'],
      ['message', user.id, 'hi'],
      ['delete', user.id, 'hi'],
    ]);
    expect(inProcess).toEqual(streamed);
  });
});
