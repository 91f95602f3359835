import { Api } from 'grammy';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createTelegramFetch } from './api-fetch.js';
import { createSendSlots } from './send-slots.js';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const flood = () =>
  json(429, {
    ok: false,
    error_code: 429,
    description: 'Too Many Requests: retry after 1',
    parameters: { retry_after: 1 },
  });
const sent = (chatId: number) =>
  json(200, {
    ok: true,
    result: { message_id: 1, date: 0, chat: { id: chatId, type: 'private' }, text: 'x' },
  });

describe('the fetch every Bot API client of the service uses', () => {
  const redis = new Redis(process.env.REDIS_URL!);
  afterAll(() => redis.disconnect());

  it('waits out a 429 and sends the same request again, taking a turn in the send budget each time', async () => {
    const calls: string[] = [];
    const answers = [flood(), sent(42)];
    const slots = createSendSlots({ redis, prefix: `${process.env.REDIS_PREFIX}:fetch1` });
    const acquired: string[] = [];
    const watched = {
      ...slots,
      acquire: async (...args: Parameters<typeof slots.acquire>) => {
        acquired.push(`${args[0]}:${args[1]}`);
        return slots.acquire(...args);
      },
    };
    const api = new Api('1:T', {
      apiRoot: 'http://telegram.test',
      fetch: createTelegramFetch({
        slots: watched,
        sendClass: 'interactive',
        fetch: async (input, init) => {
          calls.push(`${String(input).split('/').pop()} ${String(init?.body)}`);
          return answers.shift() ?? sent(42);
        },
      }),
    });
    const message = await api.sendMessage(42, 'Здравствуйте');
    expect(message.message_id).toBe(1);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toBe(calls[1]);
    expect(acquired.slice(0, 1)).toEqual(['42:interactive']);
    expect(acquired.filter((entry) => entry === '42:interactive').length).toBeGreaterThanOrEqual(2);
  });

  it('other calls go without a turn, and still wait out a 429', async () => {
    const answers = [flood(), json(200, { ok: true, result: true })];
    let calls = 0;
    const api = new Api('1:T', {
      apiRoot: 'http://telegram.test',
      fetch: createTelegramFetch({
        fetch: async () => {
          calls += 1;
          return answers.shift() ?? json(200, { ok: true, result: true });
        },
      }),
    });
    expect(await api.setMyCommands([{ command: 'menu', description: 'Меню' }])).toBe(true);
    expect(calls).toBe(2);
  });

  it('takes the turn of the chat a send names, wherever its body names it', async () => {
    const acquired: number[] = [];
    const slots = createSendSlots({ redis, prefix: `${process.env.REDIS_PREFIX}:fetch3` });
    const fetch = createTelegramFetch({
      slots: {
        ...slots,
        acquire: async (...args: Parameters<typeof slots.acquire>) => {
          acquired.push(args[0]);
          return slots.acquire(...args);
        },
      },
      fetch: async () => sent(7),
    });
    // grammY's own order (read off the front), a text that looks like a chat, and the chat last.
    for (const body of [
      JSON.stringify({ chat_id: 7, text: '{"chat_id":1}' }),
      JSON.stringify({ text: '{"chat_id":1}', chat_id: 8 }),
      JSON.stringify({ chat_id: '9', text: 'x' }),
    ]) {
      await fetch('http://telegram.test/bot1:T/sendMessage', { method: 'POST', body });
    }
    expect(acquired).toEqual([7, 8, 9]);
  });
});
