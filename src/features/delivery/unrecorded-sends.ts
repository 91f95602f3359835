import type { Redis } from 'ioredis';
import type { Logger } from '../../logger.js';

/**
 * How long after Telegram's answer a send may stay unrecorded before it is written here: its recording
 * usually takes tens of ms and then writes nothing; a reply looks for what it answers for about 2.5 s.
 */
export const UNRECORDED_AFTER_MS = 300;

/**
 * How long a late send is kept here: longer than one can stay unrecorded (a batch's wait for its slots,
 * Telegram's 10 s timeout of a batch-mate, the recording); once recorded, its row says the same.
 */
const KEPT_MS = 60_000;

/**
 * Messages Telegram already shows whose recording is late — a batched turn waiting for a batch-mate that
 * Telegram answers only at its timeout, a slow commit — and which notification each one is, in Redis
 * (`<prefix>:unrecorded:<chat>:<message>`), so that a reply to one finds what it answers at once (relay's
 * findThreadOfReply) instead of after the recording. Written only from Telegram's answer for that chat, so it
 * never names another message; only a send still unrecorded UNRECORDED_AFTER_MS after its answer is written.
 */
export function createUnrecordedSends({
  redis,
  prefix,
  logger,
}: {
  redis: Redis;
  prefix: string;
  logger?: Logger;
}) {
  const keyOf = (chatId: number, messageId: number) => `${prefix}:unrecorded:${chatId}:${messageId}`;
  return {
    /**
     * A send Telegram answered (its messages' ids): written here unless the function returned is called
     * first, when it is recorded (or will never be).
     */
    watch(sent: { notificationId: number; chatId: number; messageIds: readonly number[] }): () => void {
      const timer = setTimeout(() => {
        for (const messageId of sent.messageIds)
          redis
            .set(keyOf(sent.chatId, messageId), String(sent.notificationId), 'PX', KEPT_MS)
            .catch((error: unknown) =>
              logger?.warn({ err: error }, 'could not note a send still unrecorded'),
            );
      }, UNRECORDED_AFTER_MS);
      timer.unref();
      return () => clearTimeout(timer);
    },
    /** The notification a message of the bot's in this chat went out for, while its recording is late. */
    async notificationOf(chatId: number, messageId: number): Promise<number | undefined> {
      const value = await redis.get(keyOf(chatId, messageId));
      return value === null ? undefined : Number(value);
    },
  };
}

export type UnrecordedSends = ReturnType<typeof createUnrecordedSends>;
