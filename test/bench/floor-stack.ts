/**
 * The stack's floor (BENCH_FLOOR_KIND, for the intake scenario's `--floor-kind`): the same dialogue as the
 * bare floor (floor-bot.ts), written with what the chosen stack and issue 14 require and nothing of ours:
 * - `conversations`: one @grammyjs/conversations v2 conversation of ten updates, state in memory;
 * - `stack`: the same, and what issue 14 asks of every update: the dialogue state in Redis (read, and
 *   written back with the chat's lease released, one pipeline), the update's dedup and the chat's lease in
 *   one Redis script (EVALSHA), and every answer checkpointed in PostgreSQL (one upsert of a jsonb draft).
 * It tells what any bot on this stack pays per update against the bare grammY floor.
 */
import {
  type Conversation,
  type ConversationFlavor,
  conversations,
  createConversation,
} from '@grammyjs/conversations';
import type { Bot, Context, InlineKeyboard } from 'grammy';
import { Redis } from 'ioredis';
import postgres from 'postgres';

type Outer = ConversationFlavor<Context>;

const CLAIM = `if redis.call('SET', KEYS[1], '1', 'NX', 'PX', 86400000) == false then return 0 end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', 20000) == false then return -1 end
return 1`;

export async function useStackFloor(bot: Bot<Outer>, kind: string, next: InlineKeyboard) {
  const stack = kind === 'stack';
  const redis = stack ? new Redis(process.env.REDIS_URL!) : undefined;
  const sql = stack ? postgres(process.env.DATABASE_URL!, { max: 4 }) : undefined;
  const prefix = `${process.env.REDIS_PREFIX ?? 'floor'}:floor:`;
  if (sql)
    await sql`create table if not exists bench_floor_drafts (telegram_id bigint primary key, answers jsonb not null, updated_at timestamptz not null default now())`;
  // The state a conversation wrote during an update, written with the lease's release (null: deleted).
  const written = new Map<string, string | null>();
  const claimSha = redis ? ((await redis.script('LOAD', CLAIM)) as string) : '';

  async function dialogue(conversation: Conversation<Outer, Context>, ctx: Context) {
    await ctx.reply('Ответ', { reply_markup: next });
    for (let step = 1; ; step++) {
      const answer = await conversation.wait();
      const data = answer.callbackQuery?.data;
      if (data === undefined) {
        await checkpoint(conversation, answer, step, answer.message?.text ?? '');
        await answer.reply('Ответ', { reply_markup: next });
        continue;
      }
      await answer.answerCallbackQuery();
      await checkpoint(conversation, answer, step, data);
      await answer.editMessageText(data === 'done' ? 'Ответ\n\nОтвет принят' : 'Ответ\n\n✓ Дальше');
      await answer.reply('Ответ', { reply_markup: next });
      if (data === 'done') return;
    }
  }

  async function checkpoint(
    conversation: Conversation<Outer, Context>,
    ctx: Context,
    step: number,
    value: string,
  ) {
    if (!sql) return;
    const id = ctx.from!.id;
    await conversation.external(
      () => sql`insert into bench_floor_drafts (telegram_id, answers) values (${id}, ${sql.json({ [step]: value })})
        on conflict (telegram_id) do update set answers = bench_floor_drafts.answers || excluded.answers, updated_at = now()`,
    );
  }

  if (redis) {
    // Dedup and the chat's lease in one call; the state read; after the update, the state written with the lease
    // released in one pipeline.
    bot.use(async (ctx, nextMiddleware) => {
      const chat = ctx.chat!.id;
      const claimed = await redis.evalsha(
        claimSha,
        2,
        `${prefix}u:${ctx.update.update_id}`,
        `${prefix}l:${chat}`,
        '1',
      );
      if (claimed !== 1) return;
      try {
        await nextMiddleware();
      } finally {
        const pipeline = redis.multi();
        const state = written.get(String(chat));
        written.delete(String(chat));
        if (state === null) pipeline.del(`${prefix}s:${chat}`);
        else if (state !== undefined) pipeline.set(`${prefix}s:${chat}`, state, 'PX', 86400000);
        await pipeline.del(`${prefix}l:${chat}`).exec();
      }
    });
  }
  bot.use(
    conversations<Outer, Context>(
      redis
        ? {
            storage: {
              type: 'key',
              adapter: {
                read: async (key: string) => {
                  const raw = await redis.get(`${prefix}s:${key}`);
                  return raw === null ? undefined : JSON.parse(raw);
                },
                write: (key: string, state: unknown) => {
                  written.set(key, JSON.stringify(state));
                },
                delete: (key: string) => {
                  written.set(key, null);
                },
              },
            },
          }
        : {},
    ),
  );
  bot.use(createConversation(dialogue, 'dialogue'));
  bot.on('message', (ctx) => ctx.conversation.enter('dialogue'));
}
