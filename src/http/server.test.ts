import type { Update } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { createHttpServer } from './server.js';

describe('the webhook', () => {
  const handled: Update[] = [];
  const http = createHttpServer({
    logger: createLogger({ level: 'silent' }),
    healthChecks: [],
    webhook: {
      path: '/telegram/webhook',
      secret: 's3cret',
      handleUpdate: async (update) => {
        handled.push(update);
      },
    },
  });
  let url = '';
  beforeAll(async () => {
    url = `http://127.0.0.1:${await http.listen(0, '127.0.0.1')}/telegram/webhook`;
  });
  afterAll(() => http.close());

  const post = (body: string, secret = 's3cret') =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
      body,
    });

  it('hands an update to the bot, read whole however it is split, and refuses what is not one', async () => {
    const text = 'я'.repeat(40_000);
    const response = await post(JSON.stringify({ update_id: 7, message: { text } }));
    expect(response.status).toBe(200);
    expect(handled.map((update) => [update.update_id, update.message?.text])).toEqual([[7, text]]);
    expect((await post('{"update_id":')).status).toBe(400);
    expect((await post('{"no":1}')).status).toBe(400);
    expect((await post('{"update_id":8}', 'wrong')).status).toBe(401);
  });

  it('answers 413 to a body over 1 MiB, and handles nothing of it', async () => {
    const response = await post(JSON.stringify({ update_id: 9, message: { text: 'x'.repeat(1_100_000) } }));
    expect(response.status).toBe(413);
    expect(handled.map((update) => update.update_id)).not.toContain(9);
  });
});
