import { z } from 'zod';
import type { Db } from '../../db/client.js';
import type { RequestStatus } from '../../db/schema/enums.js';
import type { I18n } from '../../i18n.js';
import { writeOutbox } from '../../queue/outbox.js';
import { fitBlocks } from '../../telegram/message-limits.js';
import { formatRegionTime } from '../../time.js';
import { type AccessRefusal, authoriseRequestAction } from '../access/access.usecases.js';
import { supportMeasuresSection } from '../curator-tools/curator-tools.measures.js';
import { renderPassport } from '../passport/passport.render.js';
import { createPassportRepository } from '../passport/passport.repository.js';
import { withFullDetailsButton } from '../request-card/request-card.keyboards.js';
import {
  type CardFrame,
  FAMILY_CARD_DETAILS_BUDGET,
  familyRequestBlocks,
} from '../request-card/request-card.render.js';
import { createRequestCardRepository } from '../request-card/request-card.repository.js';
import { requestCardText } from '../request-card/request-card.usecases.js';
import { cardStageOf, curatorCardKeyboard } from './curator.keyboards.js';
import { createCuratorRepository } from './curator.repository.js';

export interface CuratorDeps {
  db: Db;
  now?: Date;
}

export type { AccessRefusal };

export type TakeResult =
  | { ok: true; requestId: number; alreadyYours: boolean }
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
    if (checked.alreadyYours) return { ok: true, requestId: request.id, alreadyYours: true } as const;
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
    return { ok: true, requestId: request.id, alreadyYours: false } as const;
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
  const keyboard = withFullDetailsButton(
    curatorCardKeyboard(t, requestId, cardStageOf(request.status)),
    t,
    requestId,
    card.shortened,
  );
  return { text: card.text, keyboard };
}

/**
 * «Карточка семьи»: the passport, the members' phones and the family's latest requests, for staff whose
 * scope covers the request. Every view is an audit-log row and a `family_card_viewed` event.
 */
export async function viewFamilyCard(
  deps: { db: Db; i18n: I18n; now?: Date },
  input: { telegramId: number; requestId: number },
): Promise<
  | {
      ok: true;
      text: string;
      requests: Array<{ id: number; number: number }>;
      staffId: number;
      familyId: number;
    }
  | { ok: false; refusal: AccessRefusal }
> {
  const now = deps.now ?? new Date();
  const t = deps.i18n.forLanguage('ru');
  return deps.db.transaction(async (tx) => {
    const repository = createCuratorRepository({ db: tx });
    const checked = await authoriseRequestAction(tx, { ...input, action: 'family', lock: true });
    if (!checked.ok) return checked;
    const { presser, request } = checked;
    const members = await repository.familyMembersOf(request.familyId);
    const passport =
      request.memberId === null
        ? undefined
        : await createPassportRepository({ db: tx }).load(request.familyId, request.memberId);
    if (!passport) return { ok: false, refusal: { reason: 'not_found' } } as const;
    const history = await createRequestCardRepository({ db: tx }).latestOfFamily(request.familyId);
    await repository.recordFamilyCardView({
      staffId: presser.id,
      familyId: request.familyId,
      requestId: request.id,
      now,
    });
    const { text } = fitBlocks(
      [
        t('cur-family-card-title', { number: String(request.number) }),
        renderPassport(t, passport.draft),
        [
          t('cur-family-card-members'),
          ...members.map((m) =>
            t('cur-family-card-member', { name: m.fullName ?? '—', phone: m.phone ?? '—' }),
          ),
        ].join('\n'),
        ...familyRequestBlocks(t, history, { title: t('cur-family-card-requests') }),
        await supportMeasuresSection(tx, t, request.familyId),
        t('ct-family-card-record-hint', { number: String(request.number) }),
      ],
      { note: t('card-family-shortened'), detailsBudget: FAMILY_CARD_DETAILS_BUDGET },
    );
    return { ok: true, text, requests: history, staffId: presser.id, familyId: request.familyId } as const;
  });
}
