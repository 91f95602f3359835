import { eq } from 'drizzle-orm';
import type { Api } from 'grammy';
import type { Redis } from 'ioredis';
import type { Db } from '../../db/client.js';
import type { Language } from '../../db/schema/enums.js';
import { familyMembers, staff } from '../../db/schema/index.js';
import type { I18n } from '../../i18n.js';
import type { Logger } from '../../logger.js';
import { mainMenuKeyboard } from '../main-menu.js';
import { createDraftsRepository } from './drafts.js';
import { dialogueKeys } from './storage.js';

// Takes the due chats and drops their dialogue state in one step, so of several bot processes exactly one
// closes each dialogue, and a person's message that moved the deadline first keeps the dialogue alive.
const CLAIM_DUE_SCRIPT = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, chat in ipairs(due) do
  redis.call('ZREM', KEYS[1], chat)
  redis.call('DEL', ARGV[2] .. chat)
end
return due`;

export interface DialogueIdleCloserDeps {
  redis: Redis;
  prefix: string;
  api: Api;
  db: Db;
  i18n: I18n;
  logger: Logger;
  /** How often to look for abandoned dialogues. */
  intervalMs: number;
  /** A draft nobody touched this long is erased (DIALOGUE_DRAFT_DAYS). */
  draftMaxAgeMs: number;
}

/** The untouched drafts are looked for at most this often (one indexed DELETE across all processes). */
const DRAFT_SWEEP_MS = 60_000;

/** Who left the dialogue: a family member (their language, the menu), a staff member, or someone registering. */
async function personOf(
  db: Db,
  chatId: number,
): Promise<{ language: Language; who: 'member' | 'staff' | 'other' }> {
  const [member] = await db
    .select({ language: familyMembers.language, erasedAt: familyMembers.erasedAt })
    .from(familyMembers)
    .where(eq(familyMembers.telegramId, chatId));
  if (member && !member.erasedAt) return { language: member.language, who: 'member' };
  // A staff member's dialogue (a phone intake): not a registration, and /start is not their way back.
  const [staffMember] = await db
    .select({ active: staff.active })
    .from(staff)
    .where(eq(staff.telegramId, chatId));
  return { language: 'ru', who: staffMember?.active ? 'staff' : 'other' };
}

const closedKey = {
  member: 'dialogue-idle-closed',
  staff: 'dialogue-idle-closed-staff',
  other: 'dialogue-idle-closed-unregistered',
};

/**
 * Closes dialogues nobody touched for the idle time, and tells the person so; their drafts go with them
 * (the person reads that it starts again). Drafts left behind by a dialogue whose live state was lost
 * (a Redis wipe takes the idle deadlines too) are erased once untouched for DIALOGUE_DRAFT_DAYS. The deadlines live in Redis
 * next to the dialogue state (moved on every step), so a restart loses nothing: whichever bot process runs
 * next closes what became due meanwhile. Runs in every bot process; stops when its Redis client ends.
 */
export function startDialogueIdleCloser(deps: DialogueIdleCloserDeps) {
  const keys = dialogueKeys(deps.prefix);
  let running = false;

  async function closeDue(now = Date.now()): Promise<number> {
    const due = (await deps.redis.eval(
      CLAIM_DUE_SCRIPT,
      1,
      keys.idleIndex,
      String(now),
      keys.statePrefix,
      '100',
    )) as string[];
    const drafts = createDraftsRepository(deps.db);
    for (const chatKey of due) {
      const chatId = Number(chatKey);
      try {
        await drafts.erase(chatId);
        const { language, who } = await personOf(deps.db, chatId);
        const t = deps.i18n.forLanguage(language);
        await deps.api.sendMessage(chatId, t(closedKey[who]), {
          reply_markup: who === 'member' ? mainMenuKeyboard(t) : { remove_keyboard: true },
        });
      } catch (error) {
        deps.logger.warn({ err: error }, 'could not tell about an idle dialogue closed');
      }
    }
    if (due.length > 0) deps.logger.info({ closed: due.length }, 'idle dialogues closed');
    return due.length;
  }

  let draftsSweptAt = 0;
  async function eraseOldDrafts(now = Date.now()): Promise<number> {
    draftsSweptAt = now;
    const erased = await createDraftsRepository(deps.db).eraseUntouchedSince(
      new Date(now - deps.draftMaxAgeMs),
    );
    if (erased > 0) deps.logger.info({ erased }, 'untouched dialogue drafts erased');
    return erased;
  }

  async function sweep(): Promise<void> {
    await closeDue();
    const now = Date.now();
    if (now - draftsSweptAt >= Math.min(DRAFT_SWEEP_MS, deps.draftMaxAgeMs / 4)) await eraseOldDrafts(now);
  }

  const timer = setInterval(() => {
    if (running || deps.redis.status !== 'ready') return;
    running = true;
    sweep()
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'idle dialogue sweep failed'))
      .finally(() => {
        running = false;
      });
  }, deps.intervalMs);
  timer.unref();
  const stop = () => clearInterval(timer);
  deps.redis.once('end', stop);
  return { closeDue, eraseOldDrafts, stop };
}
