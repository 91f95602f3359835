import { describe, expect, it } from 'vitest';
import { ConfigError, createConfig } from './config.js';

const valid = { BOT_TOKEN: '123456:ABCDEFGHIJKLMNOP' };

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    createConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('createConfig', () => {
  it('fills the documented defaults', () => {
    const config = createConfig(valid);
    expect(config).toMatchObject({
      telegramApiRoot: 'https://api.telegram.org',
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/patronazh',
      redisUrl: 'redis://127.0.0.1:6379/0',
      webhook: undefined,
      timeZone: 'Europe/Moscow',
      logLevel: 'info',
      http: { host: '0.0.0.0', port: 3000 },
      inviteTtlHours: 48,
    });
  });

  it('names an empty or missing bot token', () => {
    expect(problemsOf({ BOT_TOKEN: '' })[0]).toMatch(/^BOT_TOKEN is empty/);
    expect(problemsOf({})[0]).toMatch(/^BOT_TOKEN is required/);
    expect(problemsOf({ BOT_TOKEN: 'nonsense' })[0]).toMatch(/^BOT_TOKEN does not look like a bot token/);
  });

  it('names each malformed variable', () => {
    const problems = problemsOf({
      ...valid,
      DATABASE_URL: 'nonsense',
      REDIS_URL: 'http://localhost',
      TZ_REGION: 'Mars/Olympus',
      HTTP_PORT: 'eighty',
      LOG_LEVEL: 'loud',
      DIALOGUE_DRAFT_DAYS: 'a week',
    });
    expect(problems.map((p) => p.split(' ')[0])).toEqual([
      'DATABASE_URL',
      'REDIS_URL',
      'TZ_REGION',
      'LOG_LEVEL',
      'HTTP_PORT',
      'DIALOGUE_DRAFT_DAYS',
    ]);
    expect(problems.find((p) => p.startsWith('REDIS_URL'))).toContain('redis://');
  });

  it('turns on webhook mode only with a secret Telegram accepts', () => {
    expect(problemsOf({ ...valid, WEBHOOK_URL: 'https://bot.example.org/telegram' })).toEqual([
      expect.stringMatching(/^WEBHOOK_SECRET is required when WEBHOOK_URL is set/),
    ]);
    expect(problemsOf({ ...valid, WEBHOOK_URL: 'https://x.org/t', WEBHOOK_SECRET: 'short' })[0]).toMatch(
      /^WEBHOOK_SECRET must be 16 to 256/,
    );
    const config = createConfig({
      ...valid,
      WEBHOOK_URL: 'https://bot.example.org/telegram',
      WEBHOOK_SECRET: 'a-long-enough-secret_123',
    });
    expect(config.webhook).toEqual({
      url: 'https://bot.example.org/telegram',
      secret: 'a-long-enough-secret_123',
    });
  });

  it('treats empty optional values as unset', () => {
    expect(createConfig({ ...valid, WEBHOOK_URL: '', TELEGRAM_API_ROOT: '', HTTP_PORT: '' })).toMatchObject({
      webhook: undefined,
      telegramApiRoot: 'https://api.telegram.org',
      http: { port: 3000 },
    });
  });
});

describe('CRISIS_CONTACTS', () => {
  it('defaults to 112 and a free helpline, one contact per line', () => {
    const { crisisContacts } = createConfig(valid);
    expect(crisisContacts).toHaveLength(2);
    expect(crisisContacts[0]).toMatch(/^112 /);
    expect(crisisContacts[1]).toContain('8-800-2000-122');
  });

  it('takes the region’s own lines separated by | and refuses a list without 112', () => {
    expect(
      createConfig({ ...valid, CRISIS_CONTACTS: '112 — экстренно | 8-800-100-00-00 — линия' }).crisisContacts,
    ).toEqual(['112 — экстренно', '8-800-100-00-00 — линия']);
    expect(problemsOf({ ...valid, CRISIS_CONTACTS: '8-800-100-00-00' })[0]).toMatch(
      /^CRISIS_CONTACTS must name 112/,
    );
  });
});

describe('ALLOW_PAID_BROADCAST', () => {
  it('is off by default, on with true, and a value other than true or false is named', () => {
    expect(createConfig(valid).allowPaidBroadcast).toBe(false);
    expect(createConfig({ ...valid, ALLOW_PAID_BROADCAST: 'true' }).allowPaidBroadcast).toBe(true);
    expect(problemsOf({ ...valid, ALLOW_PAID_BROADCAST: 'yes' })).toEqual([
      'ALLOW_PAID_BROADCAST must be true or false',
    ]);
  });
});
