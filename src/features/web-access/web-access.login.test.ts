import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyTelegramLogin } from './web-access.usecases.js';

const TOKEN = '123456:TEST-token';
const signed = (fields: Record<string, string>) => {
  const lines = Object.entries(fields)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
  const secret = createHash('sha256').update(TOKEN).digest();
  return { ...fields, hash: createHmac('sha256', secret).update(lines).digest('hex') };
};

describe('the Telegram Login Widget check', () => {
  const now = new Date('2026-12-04T12:00:00Z');
  const authDate = String(Math.floor(now.getTime() / 1000) - 60);

  it('vouches for the id of data signed with the bot token, a minute old', () => {
    const fields = signed({ id: '42', first_name: 'Елена', username: 'elena', auth_date: authDate });
    expect(verifyTelegramLogin(TOKEN, fields, now)).toBe(42);
  });

  it('refuses a changed field, another bot token, a missing hash, and data older than 10 minutes', () => {
    const fields = signed({ id: '42', first_name: 'Елена', auth_date: authDate });
    expect(verifyTelegramLogin(TOKEN, { ...fields, id: '43' }, now)).toBeUndefined();
    expect(verifyTelegramLogin('654321:other', fields, now)).toBeUndefined();
    expect(verifyTelegramLogin(TOKEN, { ...fields, hash: undefined }, now)).toBeUndefined();
    const old = signed({ id: '42', auth_date: String(Math.floor(now.getTime() / 1000) - 601) });
    expect(verifyTelegramLogin(TOKEN, old, now)).toBeUndefined();
  });
});
