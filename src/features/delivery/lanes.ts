import type { Redis } from 'ioredis';
import type { DbOrTx } from '../../db/client.js';
import { redisScript } from '../../queue/redis-script.js';
import { lowSendClasses, type SendClass, sendClasses } from '../../telegram/send-slots.js';
import { createNotificationsRepository, type LaneRow } from './notifications.repository.js';

/**
 * Delivery's order in Redis: an ordered lane per chat and one schedule of the chats whose next send is due.
 *
 * - `<prefix>:lane:<chat>`: a sorted set of the chat's pending notification ids, scored by send class then
 *   by when what it tells happened (a relayed message: when it was written; anything else: when the
 *   notification was made), so a chat's messages go oldest first within a class and a conversation keeps
 *   its order even when routing made the copies out of order; an urgent card or a relayed message goes
 *   before the chat's ordinary notices and digests.
 * - `<prefix>:due:<class>`: one sorted set per send class of the chats that have something to send, scored
 *   by when the chat's next send may go; a chat is in the set of its lane's head. A dispatcher takes the
 *   due chats of the highest class first and leases each (its score moves to the lease's end), sends the
 *   head and reschedules the chat one gap later, or drops it when its lane is empty.
 *
 * A chat that waits costs nothing: nothing wakes up for it before its next send is due. PostgreSQL stays the
 * truth (the notification rows): a wiped Redis is rebuilt from the pending rows by the reconciler, a
 * dispatcher that dies leaves its chats leased until the lease ends, and the row lock taken for the send
 * (FOR UPDATE SKIP LOCKED) keeps two dispatchers from sending the same notification. Scripts name a lane
 * from the chat id, so all keys must be on one Redis node (no Cluster), as BullMQ's are.
 */

/**
 * Lane scores: class × this + microseconds since 2026 (exact in a double: 10^15 µs is 31 years). Ties go
 * by member, `<order id>.<notification id>` with the order id (the message's, else the notification's)
 * zero-padded so that the text order is the number order: messages written in one instant keep theirs.
 */
const CLASS_SPAN = 1e15;

const LOW_FROM = sendClasses.indexOf(lowSendClasses[0]!);
const EPOCH_US = Date.UTC(2026, 0, 1) * 1000;
const memberOf = (row: LaneRow) => `${String(row.orderId).padStart(15, '0')}.${row.id}`;

const clock = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/** Puts the chat in the due set of its lane's head, keeping when it was due (or leased) if it was there. */
const placeChat = `
local function place(lane, chat, at)
  local head = redis.call('ZRANGE', lane, 0, 0, 'WITHSCORES')
  local due = at
  for k = 1, #KEYS - 1 do
    local score = redis.call('ZSCORE', KEYS[k + 1], chat)
    if score then
      if due == nil then due = tonumber(score) end
      redis.call('ZREM', KEYS[k + 1], chat)
    end
  end
  if head[1] == nil then return end
  local class = math.floor(tonumber(head[2]) / ${CLASS_SPAN})
  redis.call('ZADD', KEYS[class + 2], due or now, chat)
end
`;

// Each script goes by its sha (EVALSHA): the dispatcher's take runs after every turn, and its text sent
// each time was a fifth of the worker's Redis writes.
const keyCount = 1 + sendClasses.length;

// KEYS: 1 the lane, 2.. the due sets by class. ARGV: 1 the chat, then score/id pairs.
const ADD = redisScript<number>(
  'patronazhLaneAdd',
  keyCount,
  `${clock}${placeChat}
for i = 2, #ARGV, 2 do redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1]) end
place(KEYS[1], ARGV[1], nil)
return 0
`,
);

// KEYS: 1 the lane, 2.. the due sets. ARGV: 1 the chat, 2 the id sent or given up ('' for none), 3 ms until
// the chat's next send may go.
const FINISH = redisScript<number>(
  'patronazhLaneFinish',
  keyCount,
  `${clock}${placeChat}
if ARGV[2] ~= '' then redis.call('ZREM', KEYS[1], ARGV[2]) end
place(KEYS[1], ARGV[1], now + tonumber(ARGV[3]))
return 0
`,
);

// KEYS: the due sets, highest class first. ARGV: 1 how many chats, 2 the lease (ms), 3 the lanes' key prefix,
// 4 how many of them may be of the classes from ARGV[5] (1-based key index) down, 6 how soon a chat may be
// due to be taken already (ms; its turn waits for its send slot in hand). Returns the chats taken
// with their heads, classes (0-based) and ms until each is due (0: due already), then ms until the next
// chat it could take is due (-1: none).
const TAKE = redisScript<[Array<string | number>, number]>(
  'patronazhLaneTake',
  sendClasses.length,
  `${clock}
local want = tonumber(ARGV[1])
local lowMax = tonumber(ARGV[4])
local lowFrom = tonumber(ARGV[5])
local out = {}
local taken = 0
local low = 0
for k = 1, #KEYS do
  if taken >= want then break end
  local room = want - taken
  if k >= lowFrom then room = math.min(room, lowMax - low) end
  if room > 0 then
    local chats = redis.call('ZRANGEBYSCORE', KEYS[k], '-inf', now + tonumber(ARGV[6] or '0'), 'WITHSCORES', 'LIMIT', 0, room)
    for c = 1, #chats, 2 do
      local chat = chats[c]
      local head = redis.call('ZRANGE', ARGV[3] .. chat, 0, 0)
      if head[1] then
        redis.call('ZADD', KEYS[k], now + tonumber(ARGV[2]), chat)
        out[#out + 1] = chat
        out[#out + 1] = head[1]
        out[#out + 1] = k - 1
        out[#out + 1] = math.max(0, math.floor(tonumber(chats[c + 1]) - now))
        taken = taken + 1
        if k >= lowFrom then low = low + 1 end
      else
        redis.call('ZREM', KEYS[k], chat)
      end
    end
  end
end
local next = -1
for k = 1, #KEYS do
  if k < lowFrom or low < lowMax then
    local first = redis.call('ZRANGE', KEYS[k], 0, 0, 'WITHSCORES')
    if first[1] then
      local wait = math.max(0, tonumber(first[2]) - now)
      if next < 0 or wait < next then next = wait end
    end
  end
end
return {out, next}
`,
);

export interface LaneHead {
  chatId: number;
  notificationId: number;
  /** The send class of the lane it was taken from. */
  sendClass: SendClass;
  /** Its entry in the lane (for finish). */
  member: string;
  /**
   * When the chat is due (Date.now() of this process): a chat taken before its gap ends waits until then
   * in hand before it asks for its send slot, which would only tell it to wait that long.
   */
  dueAt?: number;
}

export interface DeliveryLanes {
  /** Puts pending notifications in their chats' lanes (again: a no-op); ids no longer pending are skipped. */
  add(notificationIds: number[]): Promise<void>;
  /** Like add, for rows the caller has read already (the reconciler's pages). */
  addRows(rows: LaneRow[]): Promise<void>;
  /**
   * Leases up to `count` due chats, highest class first, with the head of each; and when the next is due.
   * `lowMax`: at most this many of them from the lanes of ordinary notices and digests (`lowSendClasses`),
   * so that a dispatcher keeps room for a person's reply or an urgent card (the next due time then counts
   * only what could be taken).
   */
  take(
    count: number,
    leaseMs: number,
    lowMax?: number,
    aheadMs?: number,
  ): Promise<{ heads: LaneHead[]; nextDueMs: number | undefined }>;
  /**
   * The chat's turn is over: its head leaves the lane when `done` (sent, or given up for good), and the
   * chat's next send is due in `nextInMs`.
   */
  finish(head: LaneHead, done: boolean, nextInMs: number): Promise<void>;
  /** As finish, for the chats of a batched turn, in one round trip. */
  finishMany(turns: ReadonlyArray<{ head: LaneHead; done: boolean; nextInMs: number }>): Promise<void>;
  /**
   * Of these chats with their pending counts (PostgreSQL's), those whose lane holds fewer, or that are in
   * no schedule while their lane is not empty: what Redis lost, to be added again.
   */
  incomplete(chats: Array<{ chatId: number; pending: number }>): Promise<number[]>;
  /** Called whenever something was added in this process (a dispatcher here wakes at once). */
  onAdded(listener: () => void): void;
  /** How many chats have something waiting, by the send class of their lane's head (for /metrics). */
  waitingChats(): Promise<Record<SendClass, number>>;
}

/** Of these chats, those whose lane holds fewer than PostgreSQL's pending count, or that no schedule holds. */
async function incompleteChats(
  redis: Redis,
  laneKey: (chatId: number) => string,
  dueKeys: string[],
  chats: Array<{ chatId: number; pending: number }>,
): Promise<number[]> {
  if (chats.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const { chatId } of chats) {
    pipeline.zcard(laneKey(chatId));
    for (const key of dueKeys) pipeline.zscore(key, String(chatId));
  }
  const results = (await pipeline.exec()) ?? [];
  const per = 1 + dueKeys.length;
  return chats.flatMap(({ chatId, pending }, index) => {
    const answers = results.slice(index * per, (index + 1) * per).map(([error, value]) => {
      if (error) throw error;
      return value;
    });
    const inLane = Number(answers[0] ?? 0);
    const scheduled = answers.slice(1).some((score) => score !== null);
    return inLane < pending || !scheduled ? [chatId] : [];
  });
}

/**
 * A lane script's calls for several chats in one round trip (a pipeline). A Redis that does not know the
 * script yet (first use, restarted): those chats again, by its text.
 */
async function runPiped(redis: Redis, script: typeof ADD, calls: Array<Array<string | number>>) {
  const pipeline = redis.pipeline();
  for (const args of calls) script.pipe(pipeline, ...args);
  const results = (await pipeline.exec()) ?? [];
  for (const [index, [error]] of results.entries()) {
    if (!error) continue;
    if (!script.isUnknown(error)) throw error;
    await script.run(redis, ...calls[index]!);
  }
}

/** The take script's chats, heads and classes (flat triples). */
function headsOf(flat: Array<string | number>): LaneHead[] {
  const heads: LaneHead[] = [];
  const now = Date.now();
  for (let index = 0; index + 3 < flat.length; index += 4) {
    const member = String(flat[index + 1]);
    const dueInMs = Number(flat[index + 3]);
    heads.push({
      chatId: Number(flat[index]),
      notificationId: Number(member.split('.')[1]),
      sendClass: sendClasses[Number(flat[index + 2])] ?? 'bulk',
      member,
      ...(dueInMs > 0 ? { dueAt: now + dueInMs } : {}),
    });
  }
  return heads;
}

/** Chats in each class's schedule. */
async function countWaiting(redis: Redis, dueKeys: string[]): Promise<Record<SendClass, number>> {
  const counts = await Promise.all(dueKeys.map((key) => redis.zcard(key)));
  return Object.fromEntries(sendClasses.map((name, index) => [name, counts[index] ?? 0])) as Record<
    SendClass,
    number
  >;
}

export function createDeliveryLanes({
  redis,
  prefix,
  db,
  sendClassOf,
}: {
  redis: Redis;
  prefix: string;
  db: DbOrTx;
  sendClassOf: (kind: string) => SendClass;
}): DeliveryLanes {
  const laneKey = (chatId: number) => `${prefix}:lane:${chatId}`;
  const dueKeys = sendClasses.map((name) => `${prefix}:due:${name}`);
  const listeners = new Set<() => void>();
  const finishArgs = (head: LaneHead, done: boolean, nextInMs: number) => [
    laneKey(head.chatId),
    ...dueKeys,
    head.chatId,
    done ? head.member : '',
    Math.max(0, Math.ceil(nextInMs)),
  ];
  const score = (row: LaneRow) =>
    sendClasses.indexOf(sendClassOf(row.kind)) * CLASS_SPAN + Math.max(0, row.orderUs - EPOCH_US);

  async function addRows(rows: LaneRow[]) {
    if (rows.length === 0) return;
    const byChat = new Map<number, Array<string | number>>();
    for (const row of rows) {
      const pairs = byChat.get(row.chatId) ?? [];
      pairs.push(score(row), memberOf(row));
      byChat.set(row.chatId, pairs);
    }
    const chats = [...byChat].map(([chatId, pairs]) => [laneKey(chatId), ...dueKeys, chatId, ...pairs]);
    await runPiped(redis, ADD, chats);
    for (const listener of listeners) listener();
  }

  return {
    addRows,
    async add(notificationIds) {
      if (notificationIds.length === 0) return;
      await addRows(await createNotificationsRepository({ db }).pendingForLanes(notificationIds));
    },
    async take(count, leaseMs, lowMax = count, aheadMs = 0) {
      const [flat, next] = await TAKE.run(
        redis,
        ...dueKeys,
        count,
        leaseMs,
        `${prefix}:lane:`,
        lowMax,
        LOW_FROM + 1,
        Math.max(0, Math.floor(aheadMs)),
      );
      return { heads: headsOf(flat), nextDueMs: next < 0 ? undefined : next };
    },
    async finish(head, done, nextInMs) {
      await FINISH.run(redis, ...finishArgs(head, done, nextInMs));
    },
    finishMany: (turns) =>
      runPiped(
        redis,
        FINISH,
        turns.map(({ head, done, nextInMs }) => finishArgs(head, done, nextInMs)),
      ),
    incomplete: (chats) => incompleteChats(redis, laneKey, dueKeys, chats),
    waitingChats: () => countWaiting(redis, dueKeys),
    onAdded(listener) {
      listeners.add(listener);
    },
  };
}
