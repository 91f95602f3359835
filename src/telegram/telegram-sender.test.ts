import { GrammyError, HttpError } from 'grammy';
import { describe, expect, it } from 'vitest';
import { classifySendError } from './telegram-sender.js';

const apiError = (error_code: number, description: string, parameters = {}) =>
  new GrammyError(
    `Call to 'sendMessage' failed!`,
    { ok: false, error_code, description, parameters },
    'sendMessage',
    {},
  );

describe('what a failed send means for delivery', () => {
  it('429 waits for retry_after, in milliseconds', () => {
    expect(classifySendError(apiError(429, 'Too Many Requests: retry after 7', { retry_after: 7 }))).toEqual({
      kind: 'flood',
      retryAfterMs: 7000,
      reason: '429: Too Many Requests: retry after 7',
    });
  });

  it('403 is a blocked recipient, 400 a message Telegram will never take', () => {
    expect(classifySendError(apiError(403, 'Forbidden: bot was blocked by the user')).kind).toBe('blocked');
    expect(classifySendError(apiError(400, 'Bad Request: chat not found'))).toEqual({
      kind: 'rejected',
      reason: '400: Bad Request: chat not found',
    });
  });

  it('5xx and network trouble are worth retrying', () => {
    expect(classifySendError(apiError(502, 'Bad Gateway')).kind).toBe('transient');
    expect(classifySendError(new HttpError('Network request failed', new Error('ECONNRESET'))).kind).toBe(
      'transient',
    );
  });
});

describe('an announcement with ALLOW_PAID_BROADCAST on', () => {
  it("passes Telegram's allow_paid_broadcast with the text and with a file, and only then", async () => {
    const { createServer } = await import('node:http');
    const { createTelegramSender } = await import('./telegram-sender.js');
    const bodies: Array<Record<string, unknown>> = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        bodies.push(JSON.parse(body) as Record<string, unknown>);
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({ ok: true, result: { message_id: bodies.length, date: 0, chat: { id: 1 } } }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const sender = createTelegramSender({ token: '1:x', apiRoot: `http://127.0.0.1:${port}` });
      await sender.sendStep!(7, { type: 'text', text: 'Объявление', allowPaidBroadcast: true });
      await sender.sendStep!(7, {
        type: 'file',
        kind: 'photo',
        fileId: 'F',
        caption: 'Объявление',
        allowPaidBroadcast: true,
      });
      await sender.sendStep!(7, { type: 'text', text: 'Обычное сообщение' });
    } finally {
      server.close();
    }
    expect(bodies.map((body) => body.allow_paid_broadcast)).toEqual([true, true, undefined]);
  });
});
