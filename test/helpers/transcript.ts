import type { InlineKeyboardButton } from 'grammy/types';
import type { Emulator, StoredMessage } from '../../src/sandbox/emulator.js';

/**
 * Chats as people read them, for docs/transcripts: every message of the bot and of the person in the order
 * it appeared, edits and deletions where they happened, the notices of button presses, and which button
 * the person pressed. Buttons print in [brackets], one keyboard row a line.
 */
export function recordTranscripts(emulator: Emulator) {
  const lines = new Map<number, string[]>();
  const names = new Map<number, string>();
  const lastKeyboard = new Map<number, string>();
  const push = (chatId: number, line: string) => {
    const chat = lines.get(chatId) ?? [];
    chat.push(line);
    lines.set(chatId, chat);
  };
  const indent = (text: string) => text.replaceAll('\n', '\n    ');
  const firstLine = (m: StoredMessage) => {
    const line = (m.text ?? m.caption ?? attachmentOf(m) ?? '').split('\n')[0] ?? '';
    return line.length > 60 ? `${line.slice(0, 60)}…` : line;
  };
  const inlineRows = (m: StoredMessage) =>
    (m.reply_markup?.inline_keyboard ?? []).map((row) => row.map((b) => `[${b.text}]`).join(' '));

  function body(m: StoredMessage) {
    const parts: string[] = [];
    if (m.reply_to_message) parts.push(`(в ответ на «${firstLine(m.reply_to_message as StoredMessage)}»)`);
    const attachment = attachmentOf(m);
    if (attachment) parts.push(attachment);
    const text = m.text ?? m.caption;
    if (text) parts.push(text);
    return indent(parts.join('\n'));
  }

  function keyboardOf(chatId: number, m: StoredMessage) {
    const keyboard = m.reply_keyboard;
    if (!keyboard) return [];
    let shown: string[] = [];
    if ('keyboard' in keyboard) {
      shown = keyboard.keyboard.map(
        (row) => `клавиатура: ${row.map((b) => `[${typeof b === 'string' ? b : b.text}]`).join(' ')}`,
      );
    } else if ('remove_keyboard' in keyboard) shown = ['(клавиатура внизу убрана)'];
    const key = shown.join('\n');
    if (shown.length === 0 || lastKeyboard.get(chatId) === key) return [];
    lastKeyboard.set(chatId, key);
    return shown;
  }

  // Every press of an inline button is noted with its label, also those made through other helpers.
  const pressButton = emulator.pressButton.bind(emulator);
  emulator.pressButton = (userId, messageId, data) => {
    const message = emulator.messages(userId).find((m) => m.message_id === messageId);
    const button = message?.reply_markup?.inline_keyboard
      .flat()
      .find((b) => 'callback_data' in b && b.callback_data === data);
    push(userId, `${names.get(userId) ?? 'Человек'} нажимает [${button?.text ?? data}]`);
    return pressButton(userId, messageId, data);
  };
  const pressButtonByText = emulator.pressButtonByText.bind(emulator);
  emulator.pressButtonByText = (userId, messageId, text) => {
    push(userId, `${names.get(userId) ?? 'Человек'} нажимает [${text}]`);
    return pressButtonByText(userId, messageId, text);
  };
  const off = emulator.onEvent((event) => {
    const { chatId } = event;
    if (event.type === 'callback_answer') {
      if (event.answer.text) {
        push(chatId, `Бот (уведомление на экране): ${indent(event.answer.text)}`);
      }
      return;
    }
    const m = event.message;
    if (event.type === 'delete') {
      push(chatId, `Бот удалил сообщение «${firstLine(m)}»`);
      return;
    }
    if (!m.from?.is_bot) {
      // Telegram shows the person only «/start» when they open a link; its payload stays hidden.
      const opened = m.text?.startsWith('/start ') ? '/start (открыта ссылка-приглашение)' : undefined;
      push(chatId, `${names.get(chatId) ?? 'Человек'}: ${opened ?? body(m)}`);
      return;
    }
    const extra = [...inlineRows(m), ...keyboardOf(chatId, m)].map((row) => `    ${row}`);
    const before = m.previous_versions?.at(-1);
    if (event.type === 'edit' && before && body(before) === body(m)) {
      push(
        chatId,
        `Бот изменил кнопки под «${firstLine(m)}»${extra.length > 0 ? ':' : ' — кнопок больше нет'}`,
      );
    } else if (event.type === 'edit') {
      push(chatId, `Бот изменил сообщение «${before ? firstLine(before) : ''}»:\n    ${body(m)}`);
    } else push(chatId, `Бот: ${body(m)}`);
    for (const row of extra) push(chatId, row);
  });

  return {
    /** Names the person of a chat in the transcript. */
    name(chatId: number, name: string) {
      names.set(chatId, name);
    },
    /** A pause the person noticed (the deadline running out), as a line of its own. */
    note(chatId: number, text: string) {
      push(chatId, `— ${text} —`);
    },
    render(chatId: number): string {
      return (lines.get(chatId) ?? []).join('\n');
    },
    stop: off,
  };
}

export type TranscriptRecorder = ReturnType<typeof recordTranscripts>;

/** A chat as its person read it, printed when PRINT_CHATS is set (for a reviewer; nothing is asserted on it). */
export function printChat(title: string, transcript: string) {
  if (process.env.PRINT_CHATS) process.stdout.write(`\n## ${title}\n${transcript}\n`);
}

function attachmentOf(m: StoredMessage): string | undefined {
  if (m.photo) return '[фото]';
  if (m.document) return `[документ ${m.document.file_name ?? ''}]`.replace(' ]', ']');
  if (m.contact) return `[контакт ${m.contact.phone_number}]`;
  if (m.voice) return '[голосовое сообщение]';
  if (m.video) return '[видео]';
  if (m.video_note) return '[видеосообщение]';
  if (m.sticker) return `[стикер ${m.sticker.emoji ?? ''}]`;
  return undefined;
}

/** The inline button on the message whose text starts with `prefix`. */
export function buttonStartingWith(m: StoredMessage, prefix: string): InlineKeyboardButton | undefined {
  return m.reply_markup?.inline_keyboard.flat().find((b) => b.text.startsWith(prefix));
}
