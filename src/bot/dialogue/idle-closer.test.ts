import { eq, inArray } from 'drizzle-orm';
import { Api } from 'grammy';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshRedisPrefix, TEST_BOT_TOKEN } from '../../../test/helpers/env.js';
import { createDb } from '../../db/client.js';
import { dialogueDrafts } from '../../db/schema/index.js';
import { createI18n } from '../../i18n.js';
import { createLogger } from '../../logger.js';
import { createEmulator } from '../../sandbox/emulator.js';
import { createDraftsRepository } from './drafts.js';
import { startDialogueIdleCloser } from './idle-closer.js';
import { createDialogueStorage, dialogueKeys } from './storage.js';

const emulator = createEmulator({ token: TEST_BOT_TOKEN });
const redis = new Redis(process.env.REDIS_URL!);
const { db, sql } = createDb(process.env.DATABASE_URL!, { max: 1 });
const prefix = freshRedisPrefix();

beforeAll(async () => {
  await emulator.start();
});
afterAll(async () => {
  redis.disconnect();
  await emulator.stop();
  await sql.end({ timeout: 5 });
});

describe('the idle closer', () => {
  it('closes only dialogues whose deadline passed, each once, and tells the person', async () => {
    const storage = createDialogueStorage({ redis, prefix, idleMs: 60_000 });
    if (storage.type !== 'context') throw new Error('expected a context storage');
    // The storage keys a private chat's dialogue by its chat id; a turn that did not fail writes.
    const turnIn = (chatId: number) => ({ chat: { id: chatId, type: 'private' }, dialogueTurn: {} }) as never;
    const idle = emulator.createUser({ first_name: 'Idle' });
    const busy = emulator.createUser({ first_name: 'Busy' });
    const state = { version: [0, 1] as [0, number], state: {} };
    await storage.adapter.write(turnIn(idle.id), state);
    await storage.adapter.write(turnIn(busy.id), state);
    const keys = dialogueKeys(prefix);
    // The idle one was last touched two minutes ago; the busy one just now.
    await redis.zadd(keys.idleIndex, Date.now() - 60_000, String(idle.id));

    const closer = startDialogueIdleCloser({
      redis,
      prefix,
      api: new Api(TEST_BOT_TOKEN, { apiRoot: emulator.url }),
      db,
      i18n: createI18n(),
      logger: createLogger({ level: 'silent' }),
      intervalMs: 3_600_000,
      draftMaxAgeMs: 86_400_000,
    });
    try {
      expect(await closer.closeDue()).toBe(1);
      expect(await closer.closeDue()).toBe(0);
      expect(await redis.exists(keys.state(String(idle.id)))).toBe(0);
      expect(await redis.exists(keys.state(String(busy.id)))).toBe(1);
      const told = await emulator.waitForMessage(idle.id);
      expect(told.text).toContain('закрыли незаконченную регистрацию');
      expect(emulator.messages(busy.id, { from: 'bot' })).toEqual([]);
    } finally {
      closer.stop();
    }
  });

  it('erases the draft of a dialogue it closes, and drafts nobody touched for DIALOGUE_DRAFT_DAYS', async () => {
    const drafts = createDraftsRepository(db);
    const [closed, old, fresh] = ['Closed', 'Old', 'Fresh'].map((name) =>
      emulator.createUser({ first_name: name }),
    );
    const ids = [closed!.id, old!.id, fresh!.id];
    const day = 86_400_000;
    const draft = (telegramId: number) => ({
      telegramId,
      dialogue: 'onboarding',
      args: [],
      answers: { phone: '+79990000000' },
      step: 'phone',
      consentVersion: 'v1',
    });
    await drafts.save(draft(closed!.id));
    await drafts.save(draft(old!.id), new Date(Date.now() - 3 * day - 60_000));
    await drafts.save(draft(fresh!.id), new Date(Date.now() - 3 * day + 60_000));
    await redis.zadd(dialogueKeys(prefix).idleIndex, Date.now() - 1, String(closed!.id));

    const closer = startDialogueIdleCloser({
      redis,
      prefix,
      api: new Api(TEST_BOT_TOKEN, { apiRoot: emulator.url }),
      db,
      i18n: createI18n(),
      logger: createLogger({ level: 'silent' }),
      intervalMs: 3_600_000,
      draftMaxAgeMs: 3 * day,
    });
    try {
      expect(await closer.closeDue()).toBe(1);
      expect(await closer.eraseOldDrafts()).toBeGreaterThanOrEqual(1);
      const left = await db
        .select({ telegramId: dialogueDrafts.telegramId })
        .from(dialogueDrafts)
        .where(inArray(dialogueDrafts.telegramId, ids));
      expect(left.map((row) => row.telegramId)).toEqual([fresh!.id]);
    } finally {
      closer.stop();
      await db.delete(dialogueDrafts).where(eq(dialogueDrafts.telegramId, fresh!.id));
    }
  });
});
