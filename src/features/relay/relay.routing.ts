import type { Db, DbOrTx } from '../../db/client.js';
import type { OutboxEvent } from '../../queue/outbox.js';
import { familyRequestKey, staffForFamilyMessage, staffForFamilyMessages } from '../routing/index.js';
import { relayNotificationKinds } from './relay.kinds.js';
import { createRelayRepository, type RelayedMessage } from './relay.repository.js';

interface Recipient {
  chatId: number;
  memberId?: number;
  staffId?: number;
  /** A deputy gets the message because this curator is away (SPEC §4). */
  deputyFor?: number;
}

/**
 * Who gets a copy: every reachable member of the family for a curator's message; for a family's message,
 * whom routing names (the request's curator, their deputy, or the district supervisors).
 */
async function recipientsOf(db: DbOrTx, row: RelayedMessage, now: Date): Promise<Recipient[]> {
  const relay = createRelayRepository({ db });
  if (row.direction === 'staff_to_family') {
    const members = await relay.reachableMembers(row.familyId);
    return members.map((member) => ({ chatId: member.chatId, memberId: member.id }));
  }
  return staffForFamilyMessage(db, row, now);
}

const kindOf = (row: RelayedMessage) =>
  row.direction === 'staff_to_family' ? relayNotificationKinds.toFamily : relayNotificationKinds.toStaff;

const recipientColumns = (recipient: Recipient) => ({
  chatId: recipient.chatId,
  ...(recipient.memberId !== undefined ? { recipientMemberId: recipient.memberId } : {}),
  ...(recipient.staffId !== undefined ? { recipientStaffId: recipient.staffId } : {}),
});

/** The chat an album came from (its items share a media group id only within one chat). */
const fromChatOf = (row: RelayedMessage) =>
  row.direction === 'family_to_staff' ? row.familyChatId : row.staffChatId;

type RelayedPayload = { messageId: number; replyToId?: number; question?: boolean };

/** One copy per recipient (its dedupe key makes a second routing of the message a no-op). */
function copiesOf(row: RelayedMessage, payload: RelayedPayload) {
  const extra = {
    ...(payload.replyToId !== undefined ? { replyToId: payload.replyToId } : {}),
    ...(payload.question ? { question: true } : {}),
  };
  const single = (recipient: Recipient) => ({
    kind: kindOf(row),
    dedupeKey: `message:${row.id}:chat:${recipient.chatId}`,
    requestId: row.requestId,
    familyId: row.familyId,
    ...recipientColumns(recipient),
    payload: {
      messageId: row.id,
      ...extra,
      ...(recipient.deputyFor !== undefined ? { deputyFor: recipient.deputyFor } : {}),
    },
  });
  return single;
}

/**
 * routeRelayedMessage in the caller's transaction, for a batch of messages that are not part of an album:
 * the outbox relay routes relayed messages so, in the transaction that marks their events dispatched, and
 * they need no routing job. The batch's messages are read in one statement, the curators of all of them in
 * one more (staffForFamilyMessages), each family's members once, and all the copies are inserted in one
 * statement (insertCopies): the staff and families tables are read within one transaction, milliseconds
 * apart, as routing jobs one per message would be. Returns the copies made and, per payload, whether it was routed
 * here: an album's item is not, since it may wait there for a send of its album in progress
 * (lockNotificationByKey): it goes by its routing job.
 */
export async function routeRelayedMessagesIn(
  tx: DbOrTx,
  payloads: RelayedPayload[],
  now = new Date(),
): Promise<{ copies: number[]; routed: boolean[] }> {
  const relay = createRelayRepository({ db: tx });
  const rows = new Map(
    (await relay.findMessages([...new Set(payloads.map((payload) => payload.messageId))])).map((row) => [
      row.id,
      row,
    ]),
  );
  const found = payloads.flatMap((payload) => {
    const row = rows.get(payload.messageId);
    return row && row.mediaGroupId === null ? [row] : [];
  });
  // The staff of all the families' messages in one read; each family's members once.
  const staffOf = await staffForFamilyMessages(
    tx,
    found.filter((row) => row.direction === 'family_to_staff'),
    now,
  );
  const membersOf = new Map<number, Recipient[]>();
  const recipientsFor = async (row: RelayedMessage): Promise<Recipient[]> => {
    if (row.direction === 'family_to_staff')
      return staffOf.get(familyRequestKey(row.familyId, row.requestId)) ?? [];
    let members = membersOf.get(row.familyId);
    if (!members) {
      members = await recipientsOf(tx, row, now);
      membersOf.set(row.familyId, members);
    }
    return members;
  };
  const copies: Array<ReturnType<ReturnType<typeof copiesOf>>> = [];
  const routed: boolean[] = [];
  for (const payload of payloads) {
    const row = rows.get(payload.messageId);
    routed.push(!row || row.mediaGroupId === null);
    if (!row || row.mediaGroupId !== null) continue;
    copies.push(...(await recipientsFor(row)).map(copiesOf(row, payload)));
  }
  return { copies: await relay.insertCopies(copies), routed };
}

/**
 * Produces the copies of a relayed message (one notification per recipient; a job run twice makes nothing
 * new). Items of an album share one notification per recipient, sent once the album has settled; an item
 * that comes after its album was sent gets a notification of its own. Who gets it is read and the copies
 * inserted in one transaction, the family row locked meanwhile (familyMessageCurator): a reassignment
 * committed between the two would otherwise leave a copy with the curator who no longer has the request.
 */
export async function routeRelayedMessage(
  { db, now = new Date() }: { db: Db; now?: Date },
  payload: RelayedPayload,
): Promise<number[]> {
  return db.transaction(async (tx) => {
    const relay = createRelayRepository({ db: tx });
    const row = await relay.findMessage(payload.messageId);
    if (!row) return [];
    const recipients = await recipientsOf(tx, row, now);
    const single = copiesOf(row, payload);
    if (row.mediaGroupId === null) {
      return relay.insertNotifications(recipients.map(single));
    }
    const ids: number[] = [];
    for (const recipient of recipients) {
      const dedupeKey = `album:${fromChatOf(row)}:${row.mediaGroupId}:chat:${recipient.chatId}`;
      await relay.insertNotifications([
        { ...single(recipient), dedupeKey, payload: { ...single(recipient).payload, album: true } },
      ]);
      // Waits for a send of this album in progress, so the answer below is final.
      const album = await relay.lockNotificationByKey(dedupeKey);
      if (!album) continue;
      if (album.status === 'pending') {
        ids.push(album.id);
        continue;
      }
      const included = Array.isArray(album.payload.included) ? (album.payload.included as number[]) : [];
      if (!included.includes(row.id)) ids.push(...(await relay.insertNotifications([single(recipient)])));
    }
    return ids;
  });
}

/**
 * An edited relayed message: one `relay_edit` notification per copy already sent (the copy is edited, or a
 * marked correction is sent under it). Copies still pending go out with the new words anyway.
 */
export async function routeRelayedEdit({ db }: { db: Db }, outboxId: number, messageId: number) {
  return db.transaction(async (tx) => {
    const relay = createRelayRepository({ db: tx });
    const copies = await relay.sentCopiesOf(messageId);
    return relay.insertNotifications(
      copies.map((copy) => ({
        kind: relayNotificationKinds.edit,
        dedupeKey: `outbox:${outboxId}:copy:${copy.id}`,
        requestId: copy.requestId,
        familyId: copy.familyId,
        chatId: copy.chatId,
        recipientMemberId: copy.recipientMemberId,
        recipientStaffId: copy.recipientStaffId,
        payload: { messageId, copyId: copy.id },
      })),
    );
  });
}

/**
 * The outbox relay's inline routing (its `InlineRouting`): of a batch of events, the relayed messages are
 * routed here (routeRelayedMessagesIn); every other kind, and an album's item, is left to its routing job.
 * `routed` says which, event by event.
 */
export async function routeRelayedEventsIn(
  tx: DbOrTx,
  events: OutboxEvent[],
): Promise<{ notifications: number[]; routed: boolean[] }> {
  const relayed = events.flatMap((event) => (event.kind === 'message_relayed' ? [event.payload] : []));
  if (relayed.length === 0) return { notifications: [], routed: events.map(() => false) };
  const { copies, routed } = await routeRelayedMessagesIn(tx, relayed);
  let next = 0;
  return {
    notifications: copies,
    routed: events.map((event) => event.kind === 'message_relayed' && routed[next++] === true),
  };
}
