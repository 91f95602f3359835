import type { DbOrTx } from '../../db/client.js';
import { withdrawAndTakeBack, withdrawPending } from '../delivery/index.js';
import { familyRequestKey, staffForFamilyMessages, supervisorsLevelOfFamily } from '../routing/index.js';
import { type CopyRow, createRelayRepository } from './relay.repository.js';

/** What a reassignment moved: requests of one family, and with `familyLevel` the family itself. */
export interface ReassignedScope {
  familyId: number;
  requestIds: number[];
  /** The family's curator changed: its messages about no request follow them. */
  familyLevel: boolean;
}

type PendingCopy = Awaited<
  ReturnType<ReturnType<typeof createRelayRepository>['lockPendingStaffCopies']>
>[number];

/** A copy withdrawn, and who has the family's message now (none: the supervisors). */
type WithdrawnCopy = PendingCopy & { handedTo: number | undefined };

/** The payload routing gave a copy (relay.routing.ts copiesOf), without the state of a send begun. */
function routedPayload(payload: Record<string, unknown>) {
  const kept: Record<string, unknown> = {};
  for (const key of ['messageId', 'replyToId', 'question', 'album']) {
    if (payload[key] !== undefined) kept[key] = payload[key];
  }
  return kept;
}

/** The copy's dedupe key for another chat: `message:<id>:chat:<chat>` or `album:…:chat:<chat>`. */
function keyForChat(copy: PendingCopy, chatId: number) {
  const base = /^(.*):chat:-?\d+$/.exec(copy.dedupeKey)?.[1] ?? `message:${String(copy.payload.messageId)}`;
  return `${base}:chat:${chatId}`;
}

/**
 * After a reassignment: the family's messages still on their way to staff who are no longer the ones
 * routing names for them go to those it names now (the new curator; their deputy while they are away; the
 * district supervisors when no curator can get them), as if they had been written now. The pending copies
 * to anyone else — the previous curator, their deputy, the supervisors who had them for want of a curator —
 * are withdrawn unsent (withdrawCopies: the parts a curator was already shown taken back), and a copy for
 * each one named now is made with the same payload under the same dedupe-key scheme (so a second run, or a
 * copy already there, makes nothing new; one withdrawn from that chat by an earlier hand-over is pending
 * again). A copy already sent, or whose send was in flight (waited for by the lock), stays where it went: its
 * reader saw it while the request was theirs. Lanes send the new copies in the order the messages were
 * written (their `orderUs`). Returns the ids of the take-backs and of the new copies.
 */
export async function readdressPendingCopies(
  db: DbOrTx,
  scope: ReassignedScope,
  now = new Date(),
): Promise<number[]> {
  return db.transaction(async (tx) => {
    const relay = createRelayRepository({ db: tx });
    const pending = await relay.lockPendingStaffCopies(scope);
    if (pending.length === 0) return [];
    const named = await staffForFamilyMessages(
      tx,
      pending.map((copy) => ({ familyId: scope.familyId, requestId: copy.requestId })),
      now,
    );
    const withdrawn: WithdrawnCopy[] = [];
    const copies = new Map<string, CopyRow & { messageId: number }>();
    for (const copy of pending) {
      const recipients = named.get(familyRequestKey(scope.familyId, copy.requestId)) ?? [];
      if (recipients.some((recipient) => recipient.staffId === copy.recipientStaffId)) continue;
      // Who has the family's message now: the curator routing names (whom a deputy stands in for), or none
      // when it names the supervisors.
      const curator = recipients.find((recipient) => !recipient.supervisor);
      withdrawn.push({ ...copy, handedTo: curator && (curator.deputyFor ?? curator.staffId) });
      for (const recipient of recipients) {
        const dedupeKey = keyForChat(copy, recipient.chatId);
        copies.set(dedupeKey, {
          kind: copy.kind,
          dedupeKey,
          requestId: copy.requestId,
          familyId: scope.familyId,
          chatId: recipient.chatId,
          recipientStaffId: recipient.staffId,
          payload: {
            ...routedPayload(copy.payload),
            ...(recipient.deputyFor !== undefined ? { deputyFor: recipient.deputyFor } : {}),
          },
          messageId: Number(copy.payload.messageId),
        });
      }
    }
    const takenBack = await withdrawCopies(tx, withdrawn, scope.familyId, now);
    const ordered = [...copies.values()]
      .sort((a, b) => a.messageId - b.messageId)
      .map(({ messageId: _, ...row }) => row);
    // Handed back and forth before it went: the copy withdrawn from this chat goes after all.
    await relay.reviveWithdrawnCopies(ordered);
    return [...takenBack, ...(await relay.insertCopies(ordered))];
  });
}

/**
 * The copies no longer wanted where they were going do not go. One a curator (or deputy) was already
 * partly shown — a message sent in parts, its label «💬 …» out and the copy not yet — has those parts
 * taken back as a hand-over takes back a card (withdrawAndTakeBack: «… передана другому куратору: …», or
 * «… руководителю района», or «региональному руководителю», when `handedTo` is none); a supervisor's stay, as retractHandedOver leaves theirs
 * (they may still act on it). Returns the take-backs' ids.
 */
async function withdrawCopies(
  tx: DbOrTx,
  withdrawn: WithdrawnCopy[],
  familyId: number,
  now: Date,
): Promise<number[]> {
  const toCurators = withdrawn.filter((copy) => copy.recipientRole === 'curator');
  await withdrawPending(
    tx,
    withdrawn.filter((copy) => copy.recipientRole !== 'curator').map((copy) => copy.id),
  );
  // To no curator: the district's supervisors, or the regional ones when it has none (said in the notice).
  const supervisors = toCurators.some((copy) => copy.handedTo === undefined)
    ? await supervisorsLevelOfFamily(tx, familyId, now)
    : undefined;
  return withdrawAndTakeBack(tx, toCurators, (copy) => ({
    kind: 'handed_over',
    toStaffId: copy.handedTo,
    supervisors,
  }));
}

/**
 * The family's message written first of those still on their way to this staff member, if any: a hand-over
 * notice to them goes before it in their chat's lane (its payload's `beforeMessageId`), so the person reads
 * what they were given before the family's words about it.
 */
export function firstMessageWaitingFor(db: DbOrTx, waiting: { staffId: number; familyId: number }) {
  return createRelayRepository({ db }).firstMessageWaitingFor(waiting);
}

/**
 * A staff member who left the service (deactivated, in the caller's transaction, after their families and
 * requests were handed on): the family messages still on their way to them go to whoever routing names
 * now, family by family as readdressPendingCopies does (their copy withdrawn, the parts of it already shown
 * taken back, one made for each named). Returns the ids of the take-backs and of the new copies.
 */
export async function readdressCopiesOfStaff(db: DbOrTx, staffId: number, now = new Date()) {
  const pending = await createRelayRepository({ db }).pendingStaffCopiesOf(staffId);
  const scopes = new Map<number, ReassignedScope>();
  for (const copy of pending) {
    if (copy.familyId === null) continue;
    const scope = scopes.get(copy.familyId) ?? {
      familyId: copy.familyId,
      requestIds: [],
      familyLevel: false,
    };
    if (copy.requestId === null) scope.familyLevel = true;
    else if (!scope.requestIds.includes(copy.requestId)) scope.requestIds.push(copy.requestId);
    scopes.set(copy.familyId, scope);
  }
  const made: number[] = [];
  for (const scope of scopes.values()) made.push(...(await readdressPendingCopies(db, scope, now)));
  return made;
}
