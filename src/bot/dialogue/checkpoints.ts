import type { MiddlewareFn } from 'grammy';
import type { BotContext, DialogueContext, DialogueConversation, PendingQuestion } from '../context.js';
import { expectAnswerTo, progressOf } from './continuation.js';
import {
  createDraftsRepository,
  type DraftWrite,
  type StoredDraft,
  sawDraftSaved,
  sawDraftsErased,
} from './drafts.js';

/** Where a dialogue's answers are written: the person, the dialogue, and under which consent. */
interface DraftTarget {
  telegramId: number;
  dialogue: string;
  args: unknown[];
  consentVersion: string;
  aboutFamilyId?: number;
}

/**
 * A dialogue's answers so far, each written to PostgreSQL in the step it was given (drafts.ts). A question
 * asked through `remember` is asked only when its key has no answer yet, so a dialogue re-entered from its
 * draft (after a Redis wipe, a crash, a deploy) goes past what was answered to the question it stopped at.
 * Keys are plain names; a repeated group's answers are `<group>~<index>~<field>` until the group is done.
 * A skipped question is kept as null and read back as undefined.
 */
export class Checkpoints {
  /** `holdRestarts`: the rest of this run goes on without starting over (see there). */
  private restartsHeld = false;
  /** Mode `continue`: the draft as last written (live or replayed), else as opened; null: there was none. */
  private written: DraftWrite | null;

  private constructor(
    private readonly conversation: DialogueConversation | undefined,
    private readonly target: DraftTarget | undefined,
    private readonly answers: Record<string, unknown>,
    /** With `restart`: the dialogue starts over from its draft after each kept answer (see `put`). */
    private readonly restart?: DialogueContext,
    /**
     * How it starts over: `reenter`, it ends its run and is entered again at once (reenterFromDraft);
     * `continue`, it goes on in this run and its next run starts afresh at the question it asks next
     * (continuation.ts).
     */
    private readonly restartBy: 'reenter' | 'continue' = 'reenter',
    opened: DraftWrite | null = null,
  ) {
    this.written = restartBy === 'continue' ? copyOf(opened) : null;
  }

  /** Answers kept in memory only (a dialogue with nothing to keep, or before consent allows keeping). */
  static memory(): Checkpoints {
    return new Checkpoints(undefined, undefined, {});
  }

  static stored(
    conversation: DialogueConversation,
    target: DraftTarget,
    answers: Record<string, unknown> = {},
    restart?: DialogueContext,
    restartBy?: 'reenter' | 'continue',
    /** The draft as it stands in PostgreSQL now (mode `continue`: a failed update puts it back). */
    opened: DraftWrite | null = null,
  ): Checkpoints {
    return new Checkpoints(conversation, target, { ...answers }, restart, restartBy, opened);
  }

  has(key: string): boolean {
    return Object.hasOwn(this.answers, key);
  }

  get<T>(key: string): T | undefined {
    return (this.answers[key] ?? undefined) as T | undefined;
  }

  /** The kept answer to `key`, or the question asked now and its answer written at once. */
  async remember<T>(key: string, ask: () => Promise<T>): Promise<T> {
    if (this.has(key)) return this.get<T>(key) as T;
    const value = await ask();
    await this.put(key, value);
    return value;
  }

  /**
   * As `remember`, but the answer is written with the next `put`, which the caller makes in this same update
   * before it waits (several answers of one update in one write; a failure before it loses only this update).
   */
  async rememberWithNext<T>(key: string, ask: () => Promise<T>): Promise<T> {
    if (this.has(key)) return this.get<T>(key) as T;
    const value = await ask();
    this.answers[key] = value === undefined ? null : value;
    return value;
  }

  /** Keeps an answer given otherwise (a step, a summary's edit, a group finished) and writes the draft. */
  async put(key: string, value: unknown): Promise<void> {
    this.answers[key] = value === undefined ? null : value;
    const live = await this.save(key);
    // Kept: the dialogue may start over from its draft, so the replay of each later update begins here
    // rather than at its first question. Only a write made now, not one replayed (what this update's
    // answer led to), and only in a run begun in an earlier update: a run entered in this one
    // (reenterFromDraft, or a step answered without a wait) goes on, and its replay is short already.
    const { conversation, target, restart } = this;
    if (!live || !restart || !conversation || !target || this.restartsHeld) return;
    if (this.restartBy === 'continue') return; // see `save`
    if (restart.dialogueTurn.entered === target.dialogue) return;
    restart.dialogueTurn.reenter = { dialogue: target.dialogue, args: target.args };
    await conversation.halt();
  }

  /**
   * From here on, answers are kept without starting the dialogue over: for a stage whose own memory is not
   * in the draft (a request's summary counts its «Изменить» rounds, and an edit asks what it changed made
   * necessary, not every question not yet answered). Its replay grows, but within the stage's bound.
   */
  holdRestarts(): void {
    this.restartsHeld = true;
  }

  /** Drops the answer to `key` and its group's partial answers (`key~…`), to ask them again. */
  forget(key: string): void {
    for (const known of Object.keys(this.answers)) {
      if (known === key || known.startsWith(`${key}~`)) delete this.answers[known];
    }
  }

  /**
   * Writes the answers as they are now; `step` names the last one answered. True when written now, false
   * when replayed (the write was made in an earlier update) or there is nowhere to write.
   */
  async save(step: string | null): Promise<boolean> {
    const { conversation, target } = this;
    if (!conversation || !target) return false;
    const draft = { ...target, answers: { ...this.answers }, step };
    let live = false;
    await conversation.external(async (outside) => {
      live = true;
      await createDraftsRepository(outside.deps.db).save(draft);
      sawDraftSaved(outside.drafts, draft);
    });
    const before = this.written;
    // Kept for `undo` (mode `continue` only: a copy costs a little on every answer).
    if (this.restartBy === 'continue') this.written = copyOf(draft);
    if (live) this.continueAfter(before, draft);
    return live;
  }

  /**
   * Mode `continue` (continuation.ts): a live write goes on in this run; the question asked next is where
   * the next run begins, with the draft as written now. The first such write of the update keeps the draft
   * as it was, for a failure to put back.
   */
  private continueAfter(before: DraftWrite | null, draft: DraftWrite): void {
    const { restart, target } = this;
    if (this.restartBy !== 'continue' || !restart || !target) return;
    const turn = restart.dialogueTurn;
    if (!turn.continuation && !this.restartsHeld) {
      turn.continuation = { dialogue: target.dialogue, undo: (outside) => putBack(outside, draft, before) };
    }
    if (turn.continuation?.dialogue === target.dialogue) {
      turn.continuation.progress = progressOf(draft.answers);
    }
  }

  /** The dialogue is over (done or left): its draft goes. */
  async discard(): Promise<void> {
    const { conversation, target } = this;
    if (!conversation || !target) return;
    await conversation.external(async (outside) => {
      await createDraftsRepository(outside.deps.db).erase(target.telegramId, [target.dialogue]);
      sawDraftsErased(outside.drafts, [target.dialogue]);
      // Over (sent, or given up): a later failure in this update does not bring its draft back.
      if (outside.dialogueTurn.continuation?.dialogue === target.dialogue) {
        outside.dialogueTurn.continuation.undo = undefined;
      }
    });
    this.written = null;
  }
}

/** A draft as it is now: the dialogue changes its answers' objects in place (a request's `progress`). */
const copyOf = (draft: DraftWrite | null): DraftWrite | null =>
  draft && { ...draft, answers: structuredClone(draft.answers) };

/**
 * Puts a draft back as it was before this update wrote `draft` (none: erased). A draft erased since (the
 * family's «Удалить мои данные» while a curator's update about it was in hand) is not brought back.
 */
async function putBack(ctx: BotContext, draft: DraftWrite, before: DraftWrite | null): Promise<void> {
  const drafts = createDraftsRepository(ctx.deps.db);
  if (before) {
    if (await drafts.restore(before)) sawDraftSaved(ctx.drafts, before);
    else sawDraftsErased(ctx.drafts, [before.dialogue]);
  } else {
    await drafts.erase(draft.telegramId, [draft.dialogue]);
    sawDraftsErased(ctx.drafts, [draft.dialogue]);
  }
}

/** The person's draft of `dialogue`: what this update knows of their drafts, else PostgreSQL's. */
async function findDraft(
  outside: BotContext,
  telegramId: number,
  dialogue: string,
): Promise<StoredDraft | undefined> {
  const { known, latest } = outside.drafts;
  if (known && (latest === undefined || latest.dialogue === dialogue)) return latest;
  return createDraftsRepository(outside.deps.db).find(telegramId, dialogue);
}

/** A fresh start's question (continuation.ts), or `moved`: the draft is not as when it was asked. */
type Continuing = PendingQuestion | 'moved';

export interface OpenedDraft {
  saved: Checkpoints;
  /** The draft was there: the dialogue goes on from it (the person has been told so). */
  resumed: boolean;
  /**
   * Resumed after its live state was lost (a wipe, a crash, a deploy), not entered again silently after
   * an answer (reenterFromDraft): what the dialogue read from elsewhere may have changed since.
   */
  afterLoss: boolean;
  /** What the dialogue was first entered with (the draft's, when resumed). */
  args: unknown[];
}

/**
 * Opens the dialogue's draft. When the person has one, the dialogue continues from it: they read «Продолжим
 * с того места, где остановились», and the answers are there to skip. Otherwise the answers start empty,
 * and nothing is written until the first answer (onboarding: until consent is given).
 */
export async function openDraft(
  conversation: DialogueConversation,
  ctx: DialogueContext,
  target: Omit<DraftTarget, 'telegramId'>,
  options: {
    /**
     * A resumed dialogue starts over from its draft after each kept answer (Checkpoints.put), so its replay
     * holds one question; `'always'`: a new one too, from its first kept answer on, and without a second
     * run: it goes on to its next question, where its next run starts afresh (continuation.ts).
     */
    restartAtCheckpoints?: boolean | 'always';
    /** A draft entered with other arguments (about another family) is not gone on: the dialogue starts anew. */
    sameArgsOnly?: boolean;
  } = {},
): Promise<OpenedDraft> {
  const telegramId = ctx.from?.id;
  if (telegramId === undefined || ctx.chat?.type !== 'private') {
    return { saved: Checkpoints.memory(), resumed: false, afterLoss: false, args: target.args };
  }
  const { stored, reentering, continuing } = await conversation.external(
    async (
      outside,
    ): Promise<{ stored: StoredDraft | undefined; reentering: boolean; continuing?: Continuing }> => {
      const stored = await findDraft(outside, telegramId, target.dialogue);
      const asked = outside.dialogueTurn.continuing;
      // Decided here, once, and kept in the replay log: the draft still reads as when the question was asked.
      const matched =
        asked !== undefined && stored !== undefined && asked.progress === progressOf(stored.answers);
      if (asked && !matched)
        outside.log.warn({ found: stored !== undefined }, 'draft moved on without the state');
      return {
        stored,
        reentering: outside.dialogueTurn.reentering === true,
        ...(asked ? { continuing: matched ? asked : 'moved' } : {}),
      };
    },
  );
  const restart = options.restartAtCheckpoints ? ctx : undefined;
  const restartBy = options.restartAtCheckpoints === 'always' ? 'continue' : 'reenter';
  // A draft kept under another consent (its text has changed since) does not go on: consent is asked anew.
  const otherArgs = options.sameArgsOnly && JSON.stringify(stored?.args) !== JSON.stringify(target.args);
  if (!stored || stored.consentVersion !== target.consentVersion || otherArgs) {
    // A state waiting on a question, but its draft gone (the dialogue was done or left: a crash before the
    // state went), or kept under a consent that has changed since, or about other arguments: this update
    // is not its answer, nor the start of a new one. It goes on to the handlers below (an old button's
    // answer); onboarding, entered again, asks for the consent as it is now.
    if (continuing !== undefined) await conversation.halt({ next: true });
    const restartNew = options.restartAtCheckpoints === 'always' ? ctx : undefined;
    return {
      saved: Checkpoints.stored(conversation, { ...target, telegramId }, {}, restartNew, restartBy),
      resumed: false,
      afterLoss: false,
      args: target.args,
    };
  }
  // A fresh start at the question asked in the last update (continuation.ts): this update answers it. Else
  // (the draft moved on without the state) it goes on as after a loss, with «Продолжим…».
  const matched = continuing !== undefined && continuing !== 'moved';
  if (matched) expectAnswerTo(conversation, continuing, ctx);
  if (!reentering && !matched) await ctx.reply(ctx.t('dialogue-resumed'));
  const resumedTarget = {
    ...target,
    telegramId,
    args: stored.args,
    ...(stored.aboutFamilyId !== null ? { aboutFamilyId: stored.aboutFamilyId } : {}),
  };
  const opened = { ...resumedTarget, answers: stored.answers, step: stored.step };
  return {
    saved: Checkpoints.stored(conversation, resumedTarget, stored.answers, restart, restartBy, opened),
    resumed: true,
    afterLoss: !reentering && !matched,
    args: stored.args,
  };
}

/** Re-entries one update may make in a row (each follows a kept answer; a few cover a group just done). */
const MAX_REENTRIES = 5;

/**
 * Installed right after the conversations plugin, above every dialogue: a dialogue that ended its run to
 * start over from its draft (Checkpoints.put) is entered again in the same update. It reads its answers,
 * goes silently past them and asks the next question, so its replay log holds one question, not all.
 */
export const reenterFromDraft: MiddlewareFn<BotContext> = async (ctx, next) => {
  await next();
  const turn = ctx.dialogueTurn;
  for (let round = 0; turn.reenter && round < MAX_REENTRIES; round++) {
    const { dialogue, args } = turn.reenter;
    turn.reenter = undefined;
    turn.reentering = true;
    try {
      await ctx.conversation.enter(dialogue, ...args);
    } finally {
      turn.reentering = false;
    }
  }
};
