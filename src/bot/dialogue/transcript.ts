import type { DialogueConversation } from '../context.js';

/**
 * The messages of a dialogue that must be able to take them back later: phone intake, where a curator types
 * a family's data into their own chat (issue 13 §3: «Удалить мои данные» reaches those messages too). The
 * shared question helpers note each question, hint and answer of a dialogue that keeps a transcript.
 *
 * Kept per conversation handle, in memory: every replay runs the dialogue from its start with a new handle
 * and rebuilds the same list from the replayed messages, so it is the same on every replay.
 */
const transcripts = new WeakMap<DialogueConversation, number[]>();

export interface Transcript {
  /** The message ids noted since the last call (each once, in order). */
  takeNew(): number[];
}

/** Starts keeping the transcript of this dialogue run. */
export function keepTranscript(conversation: DialogueConversation): Transcript {
  const ids: number[] = [];
  transcripts.set(conversation, ids);
  let taken = 0;
  return {
    takeNew() {
      const fresh = ids.slice(taken);
      taken = ids.length;
      return fresh;
    },
  };
}

/** Notes messages of the exchange, if this dialogue keeps a transcript (a no-op otherwise). */
export function noteInTranscript(
  conversation: DialogueConversation,
  ...messageIds: Array<number | undefined>
) {
  const ids = transcripts.get(conversation);
  if (!ids) return;
  for (const id of messageIds) if (id !== undefined && !ids.includes(id)) ids.push(id);
}
