import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateClaimKey, updatesInHandKey } from '../../src/bot/middlewares/deduplicate-updates.js';
import { chatTurnKey } from '../../src/bot/middlewares/serialize-chat.js';
import { useE2E } from '../helpers/e2e.js';
import { eventually } from '../helpers/pipeline.js';
import { freePort } from '../helpers/ports.js';
import type { SpawnedProcess } from '../helpers/spawn.js';

const secret = 'webhook-secret-for-kill-mid-update_01';
const isStarted = (line: Record<string, unknown>) => line.msg === 'started';

/**
 * The one way an update used to be lost: its bot process dies while it handles it (`kill -9`, out of
 * memory). Its claim stayed for 24 h, so Telegram's re-send was skipped. Now the claim is "in progress" for
 * a few seconds (renewed while the update is in hand) and "done" only once it was handled: the re-send
 * after the process died is handled, once.
 *
 * Webhook mode (Telegram re-sends) and long polling (the restarted poller handles what the journal of
 * updates in hand holds), the emulator with Telegram's limits on. The handler is stopped mid-update by a
 * real signal, no hook: the test holds an exclusive lock on `family_members`, so the bot's lookup of the
 * member (the first query of every private update) waits on it; then the process is killed.
 */
describe('a family’s message whose bot process is killed -9 while handling it', () => {
  const e2e = useE2E({ bot: false, pipeline: false });
  let app: SpawnedProcess | undefined;
  let port: number;
  let locker: ReturnType<typeof postgres>;

  beforeAll(async () => {
    port = await freePort();
    locker = postgres(e2e.config.databaseUrl, { max: 2, onnotice: () => undefined });
  });
  afterAll(async () => {
    await locker?.end();
  });

  /** A bot process taking updates by webhook on `on` (it sets the emulator's webhook to itself). */
  async function spawnBot(on: number) {
    const spawned = e2e.spawnRole('bot', {
      WEBHOOK_URL: `http://127.0.0.1:${on}/telegram/webhook`,
      WEBHOOK_SECRET: secret,
      HTTP_PORT: String(on),
    });
    await spawned.waitForLog(isStarted, 60_000);
    return spawned;
  }
  async function startBot() {
    app = await spawnBot(port);
  }

  /** Holds an exclusive lock on `family_members` while `during` runs: the bot's member lookup waits. */
  async function withMembersLocked(during: () => Promise<void>) {
    const reserved = await locker.reserve();
    try {
      await reserved`begin`;
      await reserved`lock table family_members in access exclusive mode`;
      await during();
    } finally {
      await reserved`rollback`;
      reserved.release();
    }
  }

  const consentAsked = (userId: number) =>
    e2e.emulator.messages(userId, { from: 'bot' }).filter((m) => m.text?.includes('Вы согласны')).length;

  /** How many sessions of this test's database wait for a lock on `family_members`. */
  async function waitingOnMembers(): Promise<number> {
    const [row] = await locker<{ waiting: number }[]>`
      select count(*)::int as waiting from pg_locks
      where not granted and relation = 'family_members'::regclass
        and database = (select oid from pg_database where datname = current_database())`;
    return row?.waiting ?? 0;
  }

  it('is handled again once the process is gone, and answered exactly once', async () => {
    await startBot();
    const user = e2e.emulator.createUser({ first_name: 'Вера', language_code: 'ru' });
    const prefix = e2e.config.redisPrefix;

    let updateId = 0;
    await withMembersLocked(async () => {
      updateId = e2e.emulator.sendText(user.id, '/start').update_id;
      await eventually(async () => (await waitingOnMembers()) > 0, 15_000, 'the bot waits on the lock');
      // Mid-update: the chat's turn is held, nothing answered yet.
      expect(await e2e.redis.exists(chatTurnKey(prefix, user.id))).toBe(1);
      expect(e2e.emulator.messages(user.id, { from: 'bot' })).toEqual([]);
      expect((await app!.stop('SIGKILL')).signal).toBe('SIGKILL');
    });

    // Telegram (the emulator) sends the update again until a webhook takes it; a fresh process does.
    await startBot();
    await eventually(
      async () => consentAsked(user.id) > 0,
      30_000,
      'the family’s /start answered after the restart',
    );
    // Delivered (nothing left to re-send), and the claim made done: no second answer can follow.
    await eventually(async () => e2e.emulator.stats().pendingUpdates === 0, 15_000, 'the update delivered');
    // The bot's id is the token's first part.
    const claimKey = updateClaimKey(prefix, Number(e2e.config.botToken.split(':')[0]), updateId);
    await eventually(async () => (await e2e.redis.get(claimKey)) === '1', 15_000, 'the claim done');
    await e2e.settled();
    expect(consentAsked(user.id)).toBe(1);
    expect(await e2e.redis.exists(chatTurnKey(prefix, user.id))).toBe(0);
  }, 120_000);

  it('is refused (500) by a second process while the first still handles it, then answered once', async () => {
    const running = (p?: SpawnedProcess) => p?.child.exitCode === null && p.child.signalCode === null;
    if (!running(app)) await startBot();
    const first = app!;
    const user = e2e.emulator.createUser({ first_name: 'Нина', language_code: 'ru' });
    let second: SpawnedProcess | undefined;
    await withMembersLocked(async () => {
      e2e.emulator.sendText(user.id, '/start');
      await eventually(async () => (await waitingOnMembers()) > 0, 15_000, 'the first bot waits on the lock');
      // A second process behind the balancer: setting the webhook to itself, it gets the update again
      // (the emulator cancels the delivery in flight, as Telegram may retry a slow one) while the first
      // process still has it in hand.
      second = await spawnBot(await freePort());
      await second.waitForLog((line) => line.msg === 'webhook update in progress elsewhere, refused for now');
    });
    // The first process finishes; the second's next try finds the update done and skips it.
    await eventually(async () => consentAsked(user.id) > 0, 30_000, 'the family’s /start answered');
    await eventually(async () => e2e.emulator.stats().pendingUpdates === 0, 15_000, 'the update delivered');
    await e2e.settled();
    expect(consentAsked(user.id)).toBe(1);
    expect(second!.logs().some((line) => line.msg === 'duplicate update skipped')).toBe(true);
    expect(running(first)).toBe(true);
    await second!.stop();
    await first.stop();
  }, 120_000);

  it('in long polling, is handled again by the restarted poller, and answered exactly once', async () => {
    const poller = async () => {
      app = e2e.spawnRole('bot');
      await app.waitForLog(isStarted, 60_000);
    };
    await poller();
    const user = e2e.emulator.createUser({ first_name: 'Зоя', language_code: 'ru' });
    await withMembersLocked(async () => {
      e2e.emulator.sendText(user.id, '/start');
      await eventually(async () => (await waitingOnMembers()) > 0, 15_000, 'the bot waits on the lock');
      expect((await app!.stop('SIGKILL')).signal).toBe('SIGKILL');
    });
    // The poller had confirmed the update to Telegram (it fetched on while the update was in hand): the
    // restarted one finds it in the journal of updates in hand.
    await poller();
    await app!.waitForLog((line) => line.msg === 'handling again the updates a previous process had in hand');
    await eventually(async () => consentAsked(user.id) > 0, 30_000, 'the family’s /start answered');
    await e2e.settled();
    expect(consentAsked(user.id)).toBe(1);
    const botId = Number(e2e.config.botToken.split(':')[0]);
    expect(await e2e.redis.hlen(updatesInHandKey(e2e.config.redisPrefix, botId))).toBe(0);
  }, 120_000);
});
