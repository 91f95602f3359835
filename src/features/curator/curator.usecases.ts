import { z } from 'zod';
import type { Db } from '../../db/client.js';
import type { RequestStatus } from '../../db/schema/enums.js';
import type { I18n } from '../../i18n.js';
import { writeOutbox } from '../../queue/outbox.js';
import { formatRegionTime } from '../../time.js';
import { type AccessRefusal, authoriseRequestAction } from '../access/index.js';
import { familyInChat } from '../delivery/index.js';
import { type CardFrame, requestCardText, withFullDetailsButton } from '../request-card/index.js';
import { extraCardButtons } from './curator.card-buttons.js';
import { cardStageOf, curatorCardKeyboard } from './curator.keyboards.js';
import { createCuratorRepository } from './curator.repository.js';

export interface CuratorDeps {
  db: Db;
  now?: Date;
}

export type { AccessRefusal };

export type TakeResult =
  | {
      ok: true;
      requestId: number;
      alreadyYours: boolean;
      /** Someone of the family has a chat with the bot, so the family is told (not so for a family reached by phone). */
      familyInChat: boolean;
    }
  | { ok: false; refusal: AccessRefusal };

/**
 * «Взять в работу»: in one transaction the request becomes `in_progress` with who and when, the presser
 * becomes its curator, a `taken` event is written and the family is to be told (outbox). A second press by
 * the same person changes nothing.
 */
export async function takeRequest(
  deps: CuratorDeps,
  input: { telegramId: number; requestId: number },
): Promise<TakeResult> {
  const now = deps.now ?? new Date();
  return deps.db.transaction(async (tx) => {
    const repository = createCuratorRepository({ db: tx });
    const checked = await authoriseRequestAction(tx, { ...input, action: 'take', lock: true });
    if (!checked.ok) return checked;
    const { presser, request } = checked;
    const inChat = await familyInChat(tx, request.familyId);
    if (checked.alreadyYours)
      return { ok: true, requestId: request.id, alreadyYours: true, familyInChat: inChat } as const;
    await repository.updateRequest(request.id, {
      status: 'in_progress',
      takenAt: now,
      takenById: presser.id,
      curatorId: presser.id,
      updatedAt: now,
    });
    await repository.insertEvent({
      requestId: request.id,
      type: 'taken',
      actorKind: 'staff',
      actorStaffId: presser.id,
      data: { from: request.status },
      createdAt: now,
    });
    await writeOutbox(tx, { kind: 'request_taken', payload: { requestId: request.id, staffId: presser.id } });
    return { ok: true, requestId: request.id, alreadyYours: false, familyInChat: inChat } as const;
  });
}

export const curatorNoteSchema = z.string().trim().pipe(z.string().min(1).max(2000));

/**
 * «Ждём ответа семьи» (waiting_family) comes with the relay of family messages (issue 5 item 2): until the
 * family can answer in the chat, asking them a question would be a dead end.
 */
export type StatusAction = 'resolve' | 'reject';

const transitions = {
  resolve: { to: 'resolved', outbox: 'request_resolved' },
  reject: { to: 'rejected', outbox: 'request_rejected' },
} as const satisfies Record<StatusAction, { to: RequestStatus; outbox: string }>;

/** Checks, before asking for the words, that the presser may change this request's status now. */
export async function checkStatusChange(
  deps: CuratorDeps,
  input: { telegramId: number; requestId: number; action: StatusAction },
): Promise<{ ok: true } | { ok: false; refusal: AccessRefusal }> {
  const checked = await authoriseRequestAction(deps.db, input);
  return checked.ok ? { ok: true } : checked;
}

/**
 * Resolved (with a comment) or rejected (with a reason the family sees): the
 * status, the curator's words as a message of the request, a `status_changed` event and the outbox row that
 * tells the family — one transaction. The scope is checked again here, whatever was checked before.
 */
export async function changeStatus(
  deps: CuratorDeps,
  input: { telegramId: number; requestId: number; action: StatusAction; note: string },
): Promise<{ ok: true; number: number } | { ok: false; refusal: AccessRefusal }> {
  const now = deps.now ?? new Date();
  const note = curatorNoteSchema.parse(input.note);
  const transition = transitions[input.action];
  return deps.db.transaction(async (tx) => {
    const repository = createCuratorRepository({ db: tx });
    const checked = await authoriseRequestAction(tx, { ...input, lock: true });
    if (!checked.ok) return checked;
    const { presser, request } = checked;
    const closing = transition.to === 'resolved' || transition.to === 'rejected';
    await repository.updateRequest(request.id, {
      status: transition.to,
      updatedAt: now,
      ...(transition.to === 'resolved' ? { resolvedAt: now } : {}),
      ...(closing ? { closedAt: now } : {}),
    });
    const messageId = await repository.insertStaffMessage({
      requestId: request.id,
      familyId: request.familyId,
      staffId: presser.id,
      text: note,
      now,
    });
    await repository.insertEvent({
      requestId: request.id,
      type: 'status_changed',
      actorKind: 'staff',
      actorStaffId: presser.id,
      data: { from: request.status, to: transition.to, messageId },
      createdAt: now,
    });
    await writeOutbox(tx, {
      kind: transition.outbox,
      payload: { requestId: request.id, staffId: presser.id, messageId },
    });
    return { ok: true, number: request.number } as const;
  });
}

/**
 * The curator's card as it is now: the request, a status line, and the buttons its status allows, within
 * Telegram's limit; `frame` adds a notice above it or blocks under it (history), fitted with the card.
 */
export async function curatorCardView(
  deps: { db: Db; i18n: I18n; timeZone: string },
  requestId: number,
  frame: CardFrame = {},
) {
  const t = deps.i18n.forLanguage('ru');
  const repository = createCuratorRepository({ db: deps.db });
  const found = await repository.findRequest(requestId);
  if (!found) return undefined;
  const { request } = found;
  const status: string[] = [];
  if (request.takenAt && request.takenById !== null) {
    const name = (await repository.staffName(request.takenById)) ?? '—';
    status.push(t('cur-card-taken', { name, time: formatRegionTime(request.takenAt, deps.timeZone) }));
  }
  if (request.status !== 'in_progress') status.push(t('cur-card-status', { status: request.status }));
  const card = await requestCardText({ db: deps.db, t, timeZone: deps.timeZone }, requestId, {
    ...(frame.before ? { before: frame.before } : {}),
    after: [...status, ...(frame.after ?? [])],
  });
  if (!card) return undefined;
  const buttons = curatorCardKeyboard(t, requestId, cardStageOf(request.status));
  for (const extra of await extraCardButtons(deps, t, requestId)) buttons.row().text(extra.text, extra.data);
  const keyboard = withFullDetailsButton(buttons, t, requestId, card.shortened);
  return { text: card.text, keyboard };
}
