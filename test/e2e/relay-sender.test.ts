import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator } from '../../src/sandbox/emulator.js';
import { createTelegramSender } from '../../src/telegram/telegram-sender.js';
import { TEST_BOT_TOKEN, TEST_BOT_USERNAME } from '../helpers/env.js';

// No harness: the sender alone against the emulator; no role runs.

/**
 * The sender's copies against the emulator: a copy whose original its sender deleted meanwhile goes out
 * by file id with the same heading, rather than being lost.
 */
const emulator = createEmulator({ token: TEST_BOT_TOKEN, botUsername: TEST_BOT_USERNAME });

beforeAll(() => emulator.start());
afterAll(() => emulator.stop());

async function deleteInChat(chatId: number, messageId: number) {
  const response = await fetch(`${emulator.url}/bot${TEST_BOT_TOKEN}/deleteMessage`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ chat_id: chatId, message_id: messageId }),
  });
  expect(response.ok).toBe(true);
}

describe('relayed copies', () => {
  it('a deleted original is sent by file id with the heading; without a fallback the send is refused', async () => {
    const sender = createTelegramSender({ token: TEST_BOT_TOKEN, apiRoot: emulator.url });
    const family = emulator.createUser({ first_name: 'Мария' });
    const curator = emulator.createUser({ first_name: 'Анна' });
    const sent = emulator.sendPhoto(family.id, { caption: 'Квитанция' });
    const original = emulator.messages(family.id).find((m) => m.message_id === sent.message_id)!;
    const fileId = original.photo!.at(-1)!.file_id;
    await deleteInChat(family.id, sent.message_id!);

    const refused = await sender.sendStep!(curator.id, {
      type: 'copy',
      fromChatId: family.id,
      messageId: sent.message_id!,
      caption: '💬 Мария · заявка № 1\n\nКвитанция',
    });
    expect(refused.kind).toBe('rejected');

    const outcome = await sender.sendStep!(curator.id, {
      type: 'copy',
      fromChatId: family.id,
      messageId: sent.message_id!,
      caption: '💬 Мария · заявка № 1\n\nКвитанция',
      fallback: { kind: 'photo', fileId, caption: 'Квитанция' },
    });
    expect(outcome.kind).toBe('sent');
    const [copy] = emulator.messages(curator.id, { from: 'bot' });
    expect(copy?.photo?.at(-1)?.file_id).toBe(fileId);
    expect(copy?.caption).toBe('💬 Мария · заявка № 1\n\nКвитанция');
    expect(outcome.kind === 'sent' && outcome.messageId).toBe(copy?.message_id);
  });
});
