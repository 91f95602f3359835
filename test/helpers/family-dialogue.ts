import type { StoredMessage } from '../../src/sandbox/emulator/types.js';
import type { createEmulator } from '../../src/sandbox/emulator.js';

type Emulator = ReturnType<typeof createEmulator>;

/**
 * Call right after a press, before the bot answers it: the pressed message as it is now, for a wait that also
 * takes its edit as the answer (`orEditOf`) — unless it shows `expect` already (its question would match).
 */
export function answeredInPlace(
  emulator: Emulator,
  userId: number,
  pressedId: number | undefined,
  expect: string,
) {
  const before = emulator.messages(userId).find((m) => m.message_id === pressedId);
  return before !== undefined && !(before.text ?? '').includes(expect)
    ? { messageId: before.message_id, afterVersion: before.previous_versions?.length ?? 0 }
    : undefined;
}

/**
 * A person talking to the bot through the emulator, reading its messages in order like a chat. Each
 * action waits for the bot's next message (or the next one matching), so a test reads as a transcript.
 */
export function familyChat(emulator: Emulator, userId: number, timeoutMs = 10_000) {
  const next = (contains?: string, orEditOf?: { messageId: number; afterVersion: number }) =>
    emulator.waitForMessage(
      userId,
      contains ? (m) => (m.text ?? '').includes(contains) : undefined,
      timeoutMs,
      orEditOf ? { orEditOf } : {},
    );
  return {
    userId,
    /** The bot's next message (containing the fragment, skipping others). */
    next,
    /**
     * The bot's next message containing `expect`, or `earlier` (a message the test holds, as it was then)
     * once an edit since makes it contain `expect`: the answer to a press given in place.
     */
    nextOrEdited(expect: string, earlier: StoredMessage): Promise<StoredMessage> {
      const afterVersion = earlier.previous_versions?.length ?? 0;
      return next(expect, { messageId: earlier.message_id, afterVersion });
    },
    async say(text: string, expect?: string): Promise<StoredMessage> {
      emulator.sendText(userId, text);
      return next(expect);
    },
    /**
     * Presses a button of the latest bot message that has it; waits for the bot's next message containing
     * `expect`, or for the pressed message itself once an edit makes it contain `expect` when it did not
     * before (a press answered in place, as «принята» under the request's summary).
     */
    async press(label: string, expect?: string): Promise<StoredMessage> {
      const pressed = emulator.pressButtonByText(userId, undefined, label).message_id;
      return next(
        expect,
        expect === undefined ? undefined : answeredInPlace(emulator, userId, pressed, expect),
      );
    },
    async shareOwnContact(phone: string, expect?: string): Promise<StoredMessage> {
      emulator.sendContact(userId, { phone_number: phone });
      return next(expect);
    },
    /** Every bot message in this chat so far, as text lines (for printing a transcript). */
    transcript(): string {
      return emulator
        .messages(userId)
        .map((m) => {
          const who = m.from?.is_bot ? 'БОТ' : 'ЧЕЛ';
          const body =
            m.text ?? m.caption ?? (m.contact ? `[контакт ${m.contact.phone_number}]` : '[вложение]');
          const buttons = m.reply_markup?.inline_keyboard
            ?.flat()
            .map((b) => `[${b.text}]`)
            .join(' ');
          return `${who}: ${body}${buttons ? `\n     ${buttons}` : ''}`;
        })
        .join('\n');
    },
  };
}

export type FamilyChat = ReturnType<typeof familyChat>;

export interface PassportAnswers {
  applicant?: string;
  serviceman?: string;
  district?: string;
  locality?: string;
  address?: string;
  children?: { name: string; birthDate: string; institution: string }[];
  relatives?: { name: string; careNeeds: string }[];
  /** Stop at «Сохранить?» and return that message instead of saving. */
  stopAtSummary?: boolean;
}

/** Walks the whole registration in Russian from /start to the main menu; returns the last message. */
export async function registerThroughBot(chat: FamilyChat, phone: string, answers: PassportAnswers = {}) {
  await chat.say('/start', 'Патронаж');
  await chat.next('Согласие на обработку');
  await chat.next('Вы согласны');
  await chat.press('Даю согласие', 'номером телефона');
  await chat.shareOwnContact(phone, 'номер получили');
  await chat.next('Как вас зовут');
  await chat.say(answers.applicant ?? 'Иванова Мария Петровна', 'Кем вы приходитесь');
  await chat.press('Жена', 'Фамилия, имя и отчество военнослужащего');
  await chat.say(answers.serviceman ?? 'Иванов Пётр Сергеевич', 'Дата рождения военнослужащего');
  await chat.press('Пропустить', 'В каком районе');
  await chat.press(answers.district ?? 'Грязинский район', 'Населённый пункт');
  await chat.say(answers.locality ?? 'Грязи', 'Адрес');
  if (answers.address) await chat.say(answers.address, 'Есть ли в семье дети');
  else await chat.press('Пропустить', 'Есть ли в семье дети');
  const children = answers.children ?? [];
  for (const [index, child] of children.entries()) {
    await chat.press(index === 0 ? 'Добавить ребёнка' : 'Добавить ещё', 'Как зовут ребёнка');
    await chat.say(child.name, 'Дата рождения ребёнка');
    await chat.say(child.birthDate, 'детский сад или школу');
    await chat.press(child.institution, 'Детей добавлено');
  }
  await chat.press(children.length > 0 ? 'Дальше' : 'Пропустить', 'пожилые родственники');
  const relatives = answers.relatives ?? [];
  for (const [index, relative] of relatives.entries()) {
    await chat.press(index === 0 ? 'Добавить родственника' : 'Добавить ещё', 'Как зовут родственника');
    await chat.say(relative.name, 'Дата рождения родственника');
    await chat.press('Пропустить', 'Какая помощь нужна');
    await chat.say(relative.careNeeds, 'Родственников добавлено');
  }
  await chat.press(relatives.length > 0 ? 'Дальше' : 'Пропустить', 'Проверьте');
  const summary = await chat.next('Сохранить?');
  if (answers.stopAtSummary) return summary;
  return chat.press('Всё верно, сохранить', 'зарегистрирована');
}

/** /start → consent agreed → own contact: the person stands at «Как вас зовут?», which is returned. */
export async function upToApplicantName(chat: FamilyChat, phone: string) {
  await chat.say('/start', 'Патронаж');
  await chat.next('Вы согласны');
  await chat.press('Даю согласие', 'номером телефона');
  await chat.shareOwnContact(phone, 'номер получили');
  return chat.next('Как вас зовут');
}

/** Registration up to the serviceman's birth date (names typed, «Мать»); returns that question's text. */
export async function upToServicemanBirthDate(chat: FamilyChat, phone: string): Promise<string> {
  await upToApplicantName(chat, phone);
  await chat.say('Сидорова Татьяна', 'Кем вы приходитесь');
  await chat.press('Мать', 'военнослужащего');
  const question = await chat.say('Сидоров Иван', 'Дата рождения военнослужащего');
  return question.text ?? '';
}
