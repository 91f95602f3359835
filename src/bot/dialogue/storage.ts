import type { ConversationData, ConversationStorage, VersionedState } from '@grammyjs/conversations';
import type { Redis } from 'ioredis';
import type { BotContext, DialoguePrompt, DialogueTurn, PendingQuestion } from '../context.js';
import { DIALOGUE_VERSION } from './version.js';

export interface DialogueStorageOptions {
  redis: Redis;
  /** `config.redisPrefix`; keys are `<prefix>:dlg:<chat id>`. */
  prefix: string;
  /** A dialogue untouched this long is closed by the idle closer. */
  idleMs: number;
}

/** Keys of the dialogue state of one chat and of the index of idle deadlines. */
export function dialogueKeys(prefix: string) {
  return {
    statePrefix: `${prefix}:dlg:`,
    state: (chatKey: string) => `${prefix}:dlg:${chatKey}`,
    /** Sorted set: member = chat key, score = when the dialogue counts as abandoned (ms since epoch). */
    idleIndex: `${prefix}:dlg:idle`,
    /** Set of chat keys whose dialogue was about this family at some point (see DialogueTurn.aboutFamilyId). */
    aboutFamily: (familyId: number) => `${prefix}:dlg:family:${familyId}`,
  };
}

// A safety net only: the idle closer removes state long before this, even if it was down for days.
const STATE_TTL_EXTRA_SECONDS = 7 * 24 * 3600;

/** What is stored per chat: the conversations plugin's state and the question the dialogue waits on. */
interface StoredDialogue extends VersionedState<ConversationData> {
  /** The question waited on; absent when it is `continuing`'s, as asked (`promptOf`). */
  prompt?: DialoguePrompt;
  aboutFamilyId?: number;
  /** The state is that of the dialogue just entered: its run begins at this question (continuation.ts). */
  continuing?: PendingQuestion;
}

/** The replay state of a dialogue entered and waiting for its first update (the plugin's `enter`). */
const justEntered = () => ({ send: [{ payload: 'wait' }], receive: [] });

/**
 * The state to store: after a kept answer in mode `continue` (continuation.ts), the dialogue as just entered
 * with the same arguments, and the question it asked; a fresh start not yet moved stays one. Else the run's.
 */
function stateToStore(
  state: VersionedState<ConversationData>,
  turn: DialogueTurn | undefined,
): { state: VersionedState<ConversationData>; continuing?: PendingQuestion } {
  const names = Object.keys(state.state);
  const runs = names.length === 1 ? state.state[names[0] as string] : undefined;
  const run = runs?.length === 1 ? runs[0] : undefined;
  if (!run) return { state };
  const question = turn?.continuation?.question;
  if (question && turn?.continuation?.dialogue === names[0]) {
    const fresh = {
      ...(run.args !== undefined ? { args: run.args } : {}),
      interrupts: [0],
      replay: justEntered(),
    };
    return { state: { ...state, state: { [names[0] as string]: [fresh] } }, continuing: question };
  }
  const untouched = run.replay.send.length === 1 && run.replay.receive.length === 0;
  return turn?.continuing && untouched ? { state, continuing: turn.continuing } : { state };
}

/** The question a dialogue just entered waits on: the one its run begins at. */
const promptOf = (continuing: PendingQuestion): DialoguePrompt => ({
  text: continuing.text,
  replyMarkup: continuing.replyMarkup,
  messageId: continuing.messageId,
});

/** The prompt to store beside `continuing`: none when it is that question as asked (read back by `promptOf`). */
function promptToStore(
  prompt: DialoguePrompt | undefined,
  continuing: PendingQuestion | undefined,
): DialoguePrompt | undefined {
  if (!continuing) return prompt;
  if (!prompt) return undefined;
  const same =
    prompt.text === continuing.text &&
    prompt.messageId === continuing.messageId &&
    prompt.replyMarkup === continuing.replyMarkup;
  return same ? undefined : prompt;
}

/** The question the chat's dialogue waits on, as stored with its state (undefined: no dialogue). */
export async function readDialoguePrompt(
  redis: Redis,
  prefix: string,
  chatId: number,
): Promise<DialoguePrompt | undefined> {
  const raw = await redis.get(dialogueKeys(prefix).state(String(chatId)));
  if (!raw) return undefined;
  const { prompt, continuing } = JSON.parse(raw) as StoredDialogue;
  return prompt ?? (continuing ? promptOf(continuing) : undefined);
}

/** A dialogue's stored state written, and its idle deadline moved, with the chat's turn ended if it is held. */
async function writeStored(
  options: DialogueStorageOptions,
  keys: ReturnType<typeof dialogueKeys>,
  ctx: BotContext,
  write: { chatKey: string; about: number | undefined; value: string; ttlSeconds: number },
) {
  const { chatKey, about, value, ttlSeconds } = write;
  const idleScore = Date.now() + options.idleMs;
  if (ctx.chatTurn && about === undefined) {
    // With the chat's turn ended, in one command (serialize-chat.ts).
    await ctx.chatTurn.commitState({
      key: keys.state(chatKey),
      value,
      ttlSeconds,
      idleKey: keys.idleIndex,
      idleScore,
      member: chatKey,
    });
    return;
  }
  const multi = options.redis
    .multi()
    .set(keys.state(chatKey), value, 'EX', ttlSeconds)
    .zadd(keys.idleIndex, idleScore, chatKey);
  if (about !== undefined)
    multi.sadd(keys.aboutFamily(about), chatKey).expire(keys.aboutFamily(about), ttlSeconds);
  // With the chat's turn ended in the same round trip (serialize-chat.ts).
  await (ctx.chatTurn ? ctx.chatTurn.commit(multi) : multi.exec());
}

/**
 * Conversation state in Redis, so a dialogue survives a restart of the bot and any bot process can
 * continue it. Every write (each update a dialogue handles) also moves the chat's idle deadline, and keeps
 * the question the dialogue now waits on. An update whose handling failed writes nothing: the dialogue
 * stays where it was before it, and the error handler asks that question again.
 */
export function createDialogueStorage(
  options: DialogueStorageOptions,
): ConversationStorage<BotContext, ConversationData> {
  const keys = dialogueKeys(options.prefix);
  const ttlSeconds = Math.ceil(options.idleMs / 1000) + STATE_TTL_EXTRA_SECONDS;
  // Private chats only: the chat id is the person.
  const chatKeyOf = (ctx: BotContext) => (ctx.chat?.type === 'private' ? String(ctx.chat.id) : undefined);
  return {
    type: 'context',
    version: DIALOGUE_VERSION,
    adapter: {
      async read(ctx) {
        const chatKey = chatKeyOf(ctx);
        if (chatKey === undefined) return undefined;
        // Read with the chat's turn when it was taken (serialize-chat.ts), else now.
        const withTurn = ctx.chatTurn?.takeDialogueState?.();
        const raw = withTurn !== undefined ? withTurn : await options.redis.get(keys.state(chatKey));
        if (!raw) return undefined;
        const {
          prompt: _prompt,
          aboutFamilyId: _about,
          continuing,
          ...state
        } = JSON.parse(raw) as StoredDialogue;
        if (continuing && ctx.dialogueTurn) ctx.dialogueTurn.continuing = continuing;
        return state;
      },
      async write(ctx, state) {
        const chatKey = chatKeyOf(ctx);
        if (chatKey === undefined || ctx.dialogueTurn?.failed) return;
        const turn = ctx.dialogueTurn;
        const about = turn?.aboutFamilyId;
        const { state: toStore, continuing } = stateToStore(state, turn);
        // The question waited on: the one sent last, or (nothing sent) the one a fresh start still waits on,
        // which `continuing` already holds.
        const prompt = promptToStore(turn?.prompt, continuing);
        const stored: StoredDialogue = {
          ...toStore,
          ...(prompt ? { prompt } : {}),
          ...(about !== undefined ? { aboutFamilyId: about } : {}),
          ...(continuing ? { continuing } : {}),
        };
        try {
          await writeStored(options, keys, ctx, {
            chatKey,
            about,
            value: JSON.stringify(stored),
            ttlSeconds,
          });
        } catch (error) {
          // The state stays as it was before this update: so does the draft of a dialogue that went on after
          // a kept answer (continuation.ts), or the answer given again would be dropped. If the write did
          // happen and only its reply was lost, the two differ and the person reads «Продолжим…».
          await turn?.continuation
            ?.undo?.(ctx)
            .catch((failure: unknown) => ctx.log.warn({ err: failure }, 'could not put the draft back'));
          throw error;
        }
      },
      async delete(ctx) {
        const chatKey = chatKeyOf(ctx);
        if (chatKey === undefined || ctx.dialogueTurn?.failed) return;
        const drop = options.redis.multi().del(keys.state(chatKey)).zrem(keys.idleIndex, chatKey);
        await (ctx.chatTurn ? ctx.chatTurn.commit(drop) : drop.exec());
      },
    },
  };
}

/**
 * «Удалить мои данные» of a family: the dialogues staff are in about it (a phone intake, a request on its
 * behalf) end, and their state — which holds what the curator typed about the family — leaves Redis. A chat
 * whose dialogue has moved on to something else keeps it. Returns the chat ids whose dialogue was dropped.
 */
export async function forgetDialoguesAbout(
  redis: Redis,
  prefix: string,
  familyId: number,
): Promise<number[]> {
  const keys = dialogueKeys(prefix);
  const chats = await redis.smembers(keys.aboutFamily(familyId));
  const dropped: number[] = [];
  for (const chatKey of chats) {
    const raw = await redis.get(keys.state(chatKey));
    if (!raw || (JSON.parse(raw) as StoredDialogue).aboutFamilyId !== familyId) continue;
    await redis.multi().del(keys.state(chatKey)).zrem(keys.idleIndex, chatKey).exec();
    dropped.push(Number(chatKey));
  }
  await redis.del(keys.aboutFamily(familyId));
  return dropped;
}
