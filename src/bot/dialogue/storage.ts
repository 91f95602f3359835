import type { ConversationData, ConversationStorage, VersionedState } from '@grammyjs/conversations';
import type { Redis } from 'ioredis';
import type { BotContext } from '../context.js';
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
  };
}

// A safety net only: the idle closer removes state long before this, even if it was down for days.
const STATE_TTL_EXTRA_SECONDS = 7 * 24 * 3600;

/**
 * Conversation state in Redis, so a dialogue survives a restart of the bot and any bot process can
 * continue it. Every write (each update a dialogue handles) also moves the chat's idle deadline.
 */
export function createDialogueStorage(
  options: DialogueStorageOptions,
): ConversationStorage<BotContext, ConversationData> {
  const keys = dialogueKeys(options.prefix);
  const ttlSeconds = Math.ceil(options.idleMs / 1000) + STATE_TTL_EXTRA_SECONDS;
  return {
    type: 'key',
    version: DIALOGUE_VERSION,
    // Private chats only: the chat id is the person.
    getStorageKey: (ctx) => (ctx.chat?.type === 'private' ? String(ctx.chat.id) : undefined),
    adapter: {
      async read(chatKey) {
        const raw = await options.redis.get(keys.state(chatKey));
        return raw ? (JSON.parse(raw) as VersionedState<ConversationData>) : undefined;
      },
      async write(chatKey, state) {
        await options.redis
          .multi()
          .set(keys.state(chatKey), JSON.stringify(state), 'EX', ttlSeconds)
          .zadd(keys.idleIndex, Date.now() + options.idleMs, chatKey)
          .exec();
      },
      async delete(chatKey) {
        await options.redis.multi().del(keys.state(chatKey)).zrem(keys.idleIndex, chatKey).exec();
      },
    },
  };
}
