import { performance } from 'node:perf_hooks';
import type { Update } from 'grammy/types';

let nextUpdateId = 5_000_000;
let nextMessageId = 1;

/** A private text message from `userId`, as Telegram would post it (a command gets its entity). */
export function textUpdate(userId: number, text: string): Update {
  nextUpdateId += 1;
  nextMessageId += 1;
  const person = { id: userId, first_name: 'Человек', language_code: 'ru' };
  return {
    update_id: nextUpdateId,
    message: {
      message_id: nextMessageId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: userId, type: 'private', first_name: person.first_name },
      from: { ...person, is_bot: false },
      text,
      ...(text.startsWith('/')
        ? { entities: [{ type: 'bot_command', offset: 0, length: text.length }] }
        : {}),
    },
  } as Update;
}

export interface PostedUpdate {
  status: number;
  /** From the moment the update was queued (Telegram has it) to the webhook's answer. */
  ms: number;
  /** The webhook call alone, without the wait for a free connection. */
  callMs: number;
}

/**
 * Posts updates to a bot's webhook the way Telegram does when one chat floods it: first come, first
 * served, over at most `connections` parallel connections (Telegram's `max_connections`, 40 by default),
 * updates of the same chat in parallel too. The bot answers a webhook call only after handling the update.
 */
export function webhookPoster(url: string, secret: string, connections = 40) {
  const queue: Array<{ update: Update; queuedAt: number; done: (posted: PostedUpdate) => void }> = [];
  let active = 0;

  async function post(update: Update): Promise<number> {
    try {
      const answer = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
        body: JSON.stringify(update),
      });
      await answer.arrayBuffer();
      return answer.status;
    } catch {
      return 0;
    }
  }

  function pump() {
    while (active < connections && queue.length > 0) {
      const item = queue.shift()!;
      active += 1;
      const calledAt = performance.now();
      void post(item.update).then((status) => {
        active -= 1;
        const now = performance.now();
        item.done({ status, ms: now - item.queuedAt, callMs: now - calledAt });
        pump();
      });
    }
  }

  return {
    send(update: Update): Promise<PostedUpdate> {
      return new Promise((done) => {
        queue.push({ update, queuedAt: performance.now(), done });
        pump();
      });
    },
  };
}

/**
 * One chat floods the webhook with `floodSize` texts while `others` people each send /help once, queued
 * among the flood (after every `floodSize / others.length` flood updates). `burst`: one more person's texts,
 * queued one after another in the middle of the flood (so they go out at once, over parallel connections).
 * Resolves when every call was answered, with each call's status and time.
 */
export async function floodWithOthers(options: {
  url: string;
  secret: string;
  flooder: number;
  others: number[];
  floodSize: number;
  connections?: number;
  burst?: { userId: number; texts: string[] };
  /**
   * Flood updates Telegram gets per second (the others' /help keep their place among them); absent, all
   * are queued at once (a backlog, as after the bot was away).
   */
  floodPerSecond?: number;
  /** Sends no flood update, only the others' /help at their times (the control run). */
  withoutFlood?: boolean;
}) {
  const poster = webhookPoster(options.url, options.secret, options.connections);
  const every = Math.max(1, Math.floor(options.floodSize / options.others.length));
  const flood: Promise<PostedUpdate>[] = [];
  const help: Promise<PostedUpdate>[] = [];
  const burst: Promise<PostedUpdate>[] = [];
  const startedAt = performance.now();
  for (let i = 0; i < options.floodSize; i += 1) {
    if (options.floodPerSecond) {
      const at = startedAt + (i * 1000) / options.floodPerSecond;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - performance.now())));
    }
    if (!options.withoutFlood) flood.push(poster.send(textUpdate(options.flooder, `Сообщение ${i + 1}`)));
    const other = options.others[Math.floor(i / every)];
    if ((i + 1) % every === 0 && other !== undefined) help.push(poster.send(textUpdate(other, '/help')));
    if (i === Math.floor(options.floodSize / 2) && options.burst) {
      for (const text of options.burst.texts) burst.push(poster.send(textUpdate(options.burst.userId, text)));
    }
  }
  return {
    flood: await Promise.all(flood),
    help: await Promise.all(help),
    burst: await Promise.all(burst),
  };
}
