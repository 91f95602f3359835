import { and, asc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { heldMessages } from '../../db/schema/index.js';
import { LONG_TEXT_MAX, MAX_ATTACHMENTS } from './requests.schemas.js';

/**
 * A new request can take in the messages a family member typed outside any dialogue, which relay holds
 * until the person chooses where they go (relay.held.ts): their texts become its comment, their photos and
 * documents its files, and once it is saved they are held no more.
 */

export type HeldMessage = typeof heldMessages.$inferSelect;

/** The messages this member has held, in the order typed. */
export async function heldMessagesOf(db: DbOrTx, memberId: number): Promise<HeldMessage[]> {
  return db
    .select()
    .from(heldMessages)
    .where(eq(heldMessages.memberId, memberId))
    .orderBy(asc(heldMessages.id));
}

/**
 * Whether a new request can take these messages in: texts short enough for its comment, photos and
 * documents (as many as a request keeps) as its files. A voice message or a video goes to the curator instead.
 */
export function fitsNewRequest(held: HeldMessage[]): boolean {
  const texts = held.flatMap((row) => (row.text ? [row.text] : []));
  return (
    held.length > 0 &&
    held.every((row) => row.kind === 'text' || row.kind === 'photo' || row.kind === 'document') &&
    held.filter((row) => row.kind !== 'text').length <= MAX_ATTACHMENTS &&
    texts.join('\n').length <= LONG_TEXT_MAX
  );
}

/** Held messages a new request took in (its comment and files): no longer held. */
export async function discardHeld(tx: DbOrTx, memberId: number, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await tx
    .delete(heldMessages)
    .where(and(eq(heldMessages.memberId, memberId), inArray(heldMessages.id, ids)));
}
