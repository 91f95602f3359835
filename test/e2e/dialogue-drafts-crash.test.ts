import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { chatTurnKey } from '../../src/bot/middlewares/serialize-chat.js';
import { dialogueDrafts, familyMembers, requests, servicemen } from '../../src/db/schema/index.js';
import { useE2E } from '../helpers/e2e.js';
import { familyChat } from '../helpers/family-dialogue.js';
import { eventually, wipeRedisPrefix } from '../helpers/pipeline.js';
import type { SpawnedProcess } from '../helpers/spawn.js';

const isStarted = (line: Record<string, unknown>) => line.msg === 'started';

/**
 * `kill -9` of the bot process in the middle of a registration, then of a request: nothing of the dialogue is lost but the
 * answer in flight. Once alone (the state in Redis carries the dialogue), once with Redis emptied too (the
 * draft in PostgreSQL carries it).
 */
describe('a registration and a request survive kill -9 of the bot process', () => {
  // The bot is a process of its own: the test kills it with SIGKILL and starts a fresh one.
  const e2e = useE2E({ bot: false, pipeline: false });
  let app: SpawnedProcess | undefined;

  async function startBot() {
    app = e2e.spawnRole('bot');
    await app.waitForLog(isStarted);
  }

  /** The answer is in the draft, and the dialogue's state (written after the next question) in Redis. */
  async function storedAnswer(telegramId: number, key: string, value: string | undefined) {
    await eventually(
      async () => {
        const [draft] = await e2e.db
          .select()
          .from(dialogueDrafts)
          .where(eq(dialogueDrafts.telegramId, telegramId));
        return value === undefined ? draft?.answers[key] !== undefined : draft?.answers[key] === value;
      },
      10_000,
      `«${key}» in the draft`,
    );
    // The chat's turn is released after the dialogue's state is written: the update is fully handled.
    await eventually(
      async () => (await e2e.redis.exists(chatTurnKey(e2e.config.redisPrefix, telegramId))) === 0,
      10_000,
      'the chat’s update handled',
    );
  }

  async function kill9() {
    expect((await app!.stop('SIGKILL')).signal).toBe('SIGKILL');
  }

  it('goes on from the same question, with every earlier answer in the saved passport and then the request', async () => {
    await startBot();
    const user = e2e.emulator.createUser({ first_name: 'Светлана', language_code: 'ru' });
    const chat = familyChat(e2e.emulator, user.id, 30_000);
    await chat.say('/start', 'Патронаж');
    await chat.next('Вы согласны');
    await chat.press('Даю согласие', 'номером телефона');
    await chat.shareOwnContact('+79991113344', 'номер получили');
    await chat.next('Как вас зовут');
    await chat.say('Орлова Светлана Игоревна', 'Кем вы приходитесь');

    // Killed while the person thinks: the state in Redis carries the dialogue over.
    await storedAnswer(user.id, 'applicantName', 'Орлова Светлана Игоревна');
    await kill9();
    await startBot();
    await chat.press('Мать', 'Фамилия, имя и отчество военнослужащего');
    await chat.say('Орлов Игорь Петрович', 'Дата рождения военнослужащего');

    // Killed, and Redis lost as well (a restart of Redis without persistence): the draft carries it.
    await storedAnswer(user.id, 'servicemanName', 'Орлов Игорь Петрович');
    await kill9();
    await wipeRedisPrefix(e2e.config.redisUrl, e2e.config.redisPrefix);
    await startBot();
    expect((await chat.say('12.03.1985')).text).toBe('Продолжим с того места, где остановились.');
    await chat.next('Дата рождения военнослужащего');
    await chat.say('12.03.1985', 'В каком районе');
    await chat.press('городской округ город Липецк', 'Населённый пункт');
    await chat.say('Липецк', 'Адрес');
    await chat.press('Пропустить', 'дети');
    await chat.press('Пропустить', 'родственники');
    await chat.press('Пропустить', 'Сохранить?');
    await chat.press('Всё верно, сохранить', 'зарегистрирована');

    const [member] = await e2e.db.select().from(familyMembers).where(eq(familyMembers.telegramId, user.id));
    expect([member?.fullName, member?.relationship, member?.phone]).toEqual([
      'Орлова Светлана Игоревна',
      'mother',
      '+79991113344',
    ]);
    const [serviceman] = await e2e.db
      .select()
      .from(servicemen)
      .where(eq(servicemen.familyId, member!.familyId));
    expect([serviceman?.fullName, serviceman?.birthDate]).toEqual(['Орлов Игорь Петрович', '1985-03-12']);
    const asked = e2e.emulator.messages(user.id, { from: 'bot' }).map((m) => m.text ?? '');
    expect(asked.filter((text) => text.includes('Вы согласны'))).toHaveLength(1);
    expect(await e2e.db.select().from(dialogueDrafts).where(eq(dialogueDrafts.telegramId, user.id))).toEqual(
      [],
    );

    // Now registered, she asks for help; the process is killed again mid-request with Redis emptied.
    await chat.say('/menu', 'Главное меню');
    e2e.emulator.pressReplyButton(user.id, 'Нужна помощь');
    await chat.next('С чем нужна помощь');
    await chat.press('Юридическая помощь', 'О чём вопрос');
    await chat.press('Документы', 'Коротко опишите');
    await storedAnswer(user.id, 'progress', undefined);
    await kill9();
    await wipeRedisPrefix(e2e.config.redisUrl, e2e.config.redisPrefix);
    await startBot();
    expect((await chat.say('Нужна справка для сына')).text).toBe('Продолжим с того места, где остановились.');
    await chat.next('Коротко опишите');
    await chat.say('Нужна справка для сына', 'добавить для куратора');
    await chat.press('Пропустить', 'документы или фото');
    await chat.press('Пропустить', 'Всё верно?');
    await chat.press('✅ Отправить куратору', 'принята');
    const saved = await e2e.db.select().from(requests).where(eq(requests.memberId, member!.id));
    expect(saved.map((r) => [r.category, r.details])).toEqual([
      ['legal', { topic: 'documents', description: 'Нужна справка для сына' }],
    ]);
  }, 180_000);
});
