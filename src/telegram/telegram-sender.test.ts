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
