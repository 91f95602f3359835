import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
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

describe('PostgreSQL refusing a new connection (too many clients)', () => {
  const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  const role = `patronazh_limited_${process.pid}`;
  const clients: postgres.Sql[] = [];

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.end({ timeout: 1 })));
    await admin.unsafe(`drop role if exists ${role}`);
    await admin.end({ timeout: 1 });
  });

  it('counts as PostgreSQL away for now: the update is kept, not answered with a failure', async () => {
    await admin.unsafe(`drop role if exists ${role}`);
    await admin.unsafe(`create role ${role} login connection limit 1`);
    const url = new URL(process.env.DATABASE_URL!);
    url.username = role;
    const connect = () => {
      const client = postgres(url.toString(), { max: 1, onnotice: () => {} });
      clients.push(client);
      return client;
    };
    await connect()`select 1`;
    const refused = await connect()`select 1`.catch((error: unknown) => error);
    expect((refused as { code?: string }).code).toBe('53300');
    expect(isDatabaseOutage(new Error('Failed query', { cause: refused }))).toBe(true);
  });
});
