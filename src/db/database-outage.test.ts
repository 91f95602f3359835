import { describe, expect, it } from 'vitest';
import { isDatabaseOutage } from './database-outage.js';

const withCode = (code: string) => Object.assign(new Error(code), { code });

describe('isDatabaseOutage', () => {
  it('recognises PostgreSQL going away, however the error is wrapped', () => {
    expect(isDatabaseOutage(withCode('CONNECTION_CLOSED'))).toBe(true);
    expect(isDatabaseOutage(withCode('57P01'))).toBe(true); // pg_ctl restart -m fast
    expect(isDatabaseOutage(withCode('08006'))).toBe(true);
    // drizzle's "Failed query" keeps the driver's error as its cause; grammY's BotError as `error`.
    expect(isDatabaseOutage(new Error('Failed query', { cause: withCode('ECONNREFUSED') }))).toBe(true);
    expect(
      isDatabaseOutage({ error: new Error('Failed query', { cause: withCode('CONNECT_TIMEOUT') }) }),
    ).toBe(true);
    expect(isDatabaseOutage(new AggregateError([withCode('ECONNREFUSED')]))).toBe(true);
  });

  it('leaves errors that would fail the same way again', () => {
    expect(isDatabaseOutage(withCode('23505'))).toBe(false); // unique violation
    expect(isDatabaseOutage(withCode('22021'))).toBe(false); // bad text encoding
    expect(isDatabaseOutage(new Error('Bad Request: message is too long'))).toBe(false);
    expect(isDatabaseOutage(undefined)).toBe(false);
  });
});
