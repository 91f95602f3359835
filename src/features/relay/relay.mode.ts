import type { Redis } from 'ioredis';
import { z } from 'zod';

/**
 * «The next message goes to …»: after «Ответить» / «Ждём ответа семьи» a curator's next message goes to the
 * family of that request (once); after choosing a topic in «Написать куратору» a family member's messages go
 * to the curator until they leave (/cancel, the menu) or the mode expires. Kept in Redis: losing it loses no
 * message, the person is simply asked again.
 */
const modeSchema = z.object({
  side: z.enum(['staff', 'family']),
  requestId: z.number().int().positive().nullable(),
  familyId: z.number().int().positive(),
  replyToId: z.number().int().positive().optional(),
  question: z.boolean().optional(),
  card: z.object({ chatId: z.number().int(), messageId: z.number().int() }).optional(),
  /** The bot's «Следующее ваше сообщение уйдёт…» that opened it: a reply to it goes where the mode says. */
  promptId: z.number().int().positive().optional(),
});
export type RelayMode = z.infer<typeof modeSchema>;

const targetSchema = z.object({
  requestId: z.number().int().positive().nullable(),
  familyId: z.number().int().positive(),
  replyToId: z.number().int().positive().optional(),
  question: z.boolean().optional(),
});
export type AlbumTarget = z.infer<typeof targetSchema>;

/** How long the later items of an album keep the target its first item had. */
const ALBUM_TARGET_TTL_SECONDS = 120;

export function createRelayModes({ redis, prefix }: { redis: Redis; prefix: string }) {
  const modeKey = (userId: number) => `${prefix}:relay:mode:${userId}`;
  const albumKey = (chatId: number, groupId: string) => `${prefix}:relay:album:${chatId}:${groupId}`;
  const parse = <T>(schema: z.ZodType<T>, raw: string | null) => {
    if (raw === null) return undefined;
    try {
      return schema.safeParse(JSON.parse(raw)).data;
    } catch {
      return undefined;
    }
  };
  return {
    async get(userId: number) {
      return parse(modeSchema, await redis.get(modeKey(userId)));
    },
    async set(userId: number, mode: RelayMode, ttlSeconds: number) {
      await redis.set(modeKey(userId), JSON.stringify(modeSchema.parse(mode)), 'EX', Math.max(1, ttlSeconds));
    },
    async clear(userId: number) {
      return (await redis.del(modeKey(userId))) > 0;
    },
    /** Remembers where an album's first item went; returns false if another item got there first. */
    async rememberAlbum(chatId: number, groupId: string, target: AlbumTarget) {
      const set = await redis.set(
        albumKey(chatId, groupId),
        JSON.stringify(targetSchema.parse(target)),
        'EX',
        ALBUM_TARGET_TTL_SECONDS,
        'NX',
      );
      return set === 'OK';
    },
    async album(chatId: number, groupId: string) {
      return parse(targetSchema, await redis.get(albumKey(chatId, groupId)));
    },
    /** «Удалить мои данные»: the person's relay mode and album targets go (keys by their chat id). */
    async forget(chatId: number) {
      const keys = [modeKey(chatId)];
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', albumKey(chatId, '*'), 'COUNT', 500);
        cursor = next;
        keys.push(...found);
      } while (cursor !== '0');
      await redis.del(...keys);
    },
  };
}

export type RelayModes = ReturnType<typeof createRelayModes>;
