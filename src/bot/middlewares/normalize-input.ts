import type { Context, MiddlewareFn } from 'grammy';
import type { MessageEntity, Update } from 'grammy/types';

/**
 * Characters that never belong in what a person typed and that would mislead or break what comes after:
 * C0 and C1 controls except newline and tab (U+0000 makes PostgreSQL refuse the whole row), bidi embeddings,
 * overrides and isolates and the invisible direction marks (U+202E can make a curator's card show something
 * other than what it holds), zero-width characters and the byte-order mark.
 */
function isUnwanted(char: string): boolean {
  const code = char.codePointAt(0)!;
  return (
    (code <= 0x1f && code !== 0x09 && code !== 0x0a) ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069) ||
    code === 0x200e ||
    code === 0x200f ||
    code === 0x061c ||
    (code >= 0x200b && code <= 0x200d) ||
    code === 0x2060 ||
    code === 0xfeff
  );
}

/**
 * One normalisation at the edge, for every text field of an update: the unwanted characters above
 * dropped, then NFC. Entity offsets (commands, links) are moved with the text. Lengths checked later are
 * the lengths after it.
 */
export function normalizeText(text: string, entities?: MessageEntity[]) {
  // Boundaries the entities need, in the original text's UTF-16 offsets.
  const cuts = new Set<number>([0, text.length]);
  for (const entity of entities ?? []) {
    cuts.add(entity.offset);
    cuts.add(entity.offset + entity.length);
  }
  const sortedCuts = [...cuts].filter((cut) => cut >= 0 && cut <= text.length).sort((a, b) => a - b);
  const moved = new Map<number, number>([[0, 0]]);
  let result = '';
  for (let index = 1; index < sortedCuts.length; index += 1) {
    const segment = text.slice(sortedCuts[index - 1], sortedCuts[index]);
    result += [...segment]
      .filter((char) => !isUnwanted(char))
      .join('')
      .normalize('NFC');
    moved.set(sortedCuts[index]!, result.length);
  }
  const newEntities = entities
    ?.map((entity) => {
      const offset = moved.get(entity.offset) ?? 0;
      return { ...entity, offset, length: (moved.get(entity.offset + entity.length) ?? offset) - offset };
    })
    .filter((entity) => entity.length > 0);
  return { text: result, entities: newEntities };
}

const clean = (text: string) => normalizeText(text).text;

type Message = NonNullable<Update['message']>;

function normalizeMessage(message: Message | undefined) {
  if (!message) return;
  if (message.text !== undefined) {
    const normalized = normalizeText(message.text, message.entities);
    message.text = normalized.text;
    if (normalized.entities) message.entities = normalized.entities;
  }
  if (message.caption !== undefined) {
    const normalized = normalizeText(message.caption, message.caption_entities);
    message.caption = normalized.text;
    if (normalized.entities) message.caption_entities = normalized.entities;
  }
  if (message.contact) {
    message.contact.phone_number = clean(message.contact.phone_number);
    message.contact.first_name = clean(message.contact.first_name);
    if (message.contact.last_name !== undefined) message.contact.last_name = clean(message.contact.last_name);
  }
  if (message.document?.file_name !== undefined)
    message.document.file_name = clean(message.document.file_name);
  normalizeUser(message.from);
}

function normalizeUser(user: { first_name: string; last_name?: string; username?: string } | undefined) {
  if (!user) return;
  user.first_name = clean(user.first_name);
  if (user.last_name !== undefined) user.last_name = clean(user.last_name);
}

/** The first middleware: everything after it (handlers, dialogues, parked updates) sees normalised text. */
export const normalizeInput: MiddlewareFn<Context> = (ctx, next) => {
  const update = ctx.update;
  normalizeMessage(update.message);
  normalizeMessage(update.edited_message);
  normalizeUser(update.callback_query?.from);
  normalizeUser(update.my_chat_member?.from);
  return next();
};
