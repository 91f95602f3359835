import { and, count, eq } from 'drizzle-orm';
import type { Message } from 'grammy/types';
import type { Db, DbOrTx } from '../../db/client.js';
import type { RequestCategory } from '../../db/schema/enums.js';
import { heldMessages } from '../../db/schema/index.js';
import { createRelayRepository } from './relay.repository.js';
import { type RelayContent, relayFamilyMessageIn } from './relay.usecases.js';

/**
 * A family member's messages typed outside any dialogue and outside «Написать куратору», kept in PostgreSQL
 * until the person chooses in one tap where they go: a request's curator, a general question, or a new
 * request. Nothing typed is dropped, and a restart loses nothing. Once they have gone, the rows are deleted.
 */

export interface OpenRequest {
  id: number;
  number: number;
  category: RequestCategory;
}

/** The family's open requests, oldest first (at most ten: one button each). */
export async function openRequestsOfFamily(db: DbOrTx, familyId: number): Promise<OpenRequest[]> {
  return createRelayRepository({ db }).openRequestsOf(familyId);
}

/** What a new request needs to keep a photo or a document as its attachment. */
function fileDetails(message: Message) {
  const photo = message.photo?.at(-1);
  if (photo) return { fileUniqueId: photo.file_unique_id, fileSize: photo.file_size ?? null };
  const document = message.document;
  if (document) {
    return {
      fileUniqueId: document.file_unique_id,
      fileName: document.file_name ?? null,
      mimeType: document.mime_type ?? null,
      fileSize: document.file_size ?? null,
    };
  }
  return {};
}

export async function countHeld(db: DbOrTx, memberId: number): Promise<number> {
  const [row] = await db
    .select({ count: count() })
    .from(heldMessages)
    .where(eq(heldMessages.memberId, memberId));
  return row?.count ?? 0;
}

/**
 * Keeps one message. `ask`: whether to ask where it goes — not for the later items of an album whose first
 * item was asked about. A Telegram update seen twice keeps the message once.
 */
export async function holdFamilyMessage(
  db: Db,
  input: {
    familyId: number;
    memberId: number;
    chatId: number;
    message: Message;
    content: RelayContent;
  },
): Promise<{ held: number; ask: boolean }> {
  return db.transaction(async (tx) => {
    const groupId = input.content.mediaGroupId;
    const sameAlbum =
      groupId === null
        ? []
        : await tx
            .select({ id: heldMessages.id })
            .from(heldMessages)
            .where(and(eq(heldMessages.memberId, input.memberId), eq(heldMessages.mediaGroupId, groupId)))
            .limit(1);
    await tx
      .insert(heldMessages)
      .values({
        familyId: input.familyId,
        memberId: input.memberId,
        chatId: input.chatId,
        telegramMessageId: input.message.message_id,
        kind: input.content.kind,
        text: input.content.text,
        fileId: input.content.fileId,
        mediaGroupId: groupId,
        ...fileDetails(input.message),
      })
      .onConflictDoNothing();
    return { held: await countHeld(tx, input.memberId), ask: sameAlbum.length === 0 };
  });
}

/** The sender edited a message still held: it goes on with the new words. False when none was held. */
export async function editHeld(
  db: Db,
  input: { chatId: number; telegramMessageId: number; text: string | null },
): Promise<boolean> {
  const updated = await db
    .update(heldMessages)
    .set({ text: input.text })
    .where(
      and(eq(heldMessages.chatId, input.chatId), eq(heldMessages.telegramMessageId, input.telegramMessageId)),
    )
    .returning({ id: heldMessages.id });
  return updated.length > 0;
}

class NotThisFamilysRequest extends Error {}

export type ReleaseResult =
  | { ok: true; released: number; number: number | null; resumed: boolean }
  | { ok: false; reason: 'nothing_held' | 'not_found' };

/**
 * The person chose where their held messages go (a request of theirs, or `null`: a general question): every
 * held message of this member is relayed there, in the order typed, and no longer held — in one
 * transaction, so a second press finds nothing and nothing goes twice.
 */
export async function releaseHeld(
  deps: { db: Db; now?: Date },
  input: { memberId: number; familyId: number; requestId: number | null },
): Promise<ReleaseResult> {
  const now = deps.now ?? new Date();
  try {
    return await deps.db.transaction(async (tx) => {
      const rows = await tx
        .delete(heldMessages)
        .where(and(eq(heldMessages.memberId, input.memberId), eq(heldMessages.familyId, input.familyId)))
        .returning();
      if (rows.length === 0) return { ok: false, reason: 'nothing_held' } as const;
      rows.sort((a, b) => a.id - b.id);
      let number: number | null = null;
      let resumed = false;
      for (const row of rows) {
        const relayed = await relayFamilyMessageIn(
          tx,
          {
            memberId: input.memberId,
            familyId: input.familyId,
            chatId: row.chatId,
            messageId: row.telegramMessageId,
            requestId: input.requestId,
            content: { kind: row.kind, text: row.text, fileId: row.fileId, mediaGroupId: row.mediaGroupId },
          },
          now,
        );
        // Rolls back: the messages stay held, and the person can choose again.
        if (!relayed.ok) throw new NotThisFamilysRequest();
        number = relayed.number;
        resumed ||= relayed.resumed;
      }
      return { ok: true, released: rows.length, number, resumed } as const;
    });
  } catch (error) {
    if (error instanceof NotThisFamilysRequest) return { ok: false, reason: 'not_found' };
    throw error;
  }
}
