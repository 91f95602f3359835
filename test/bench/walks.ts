import { performance } from 'node:perf_hooks';
import type { Emulator } from '../../src/sandbox/emulator.js';

/** One update a simulated person sends, and a fragment of the bot message that answers it. */
export interface Step {
  kind: 'text' | 'reply' | 'press';
  value: string;
  expect: string;
}

/**
 * The whole request dialogue of a registered family, as a person clicks it: the main menu, «Нужна
 * помощь», a planned psychologist, four answers (one typed), no comment, no files, «Отправить».
 */
export const requestDialogue: Step[] = [
  { kind: 'text', value: '/menu', expect: 'Главное меню' },
  { kind: 'reply', value: 'Нужна помощь', expect: 'С чем нужна помощь' },
  { kind: 'press', value: 'Помощь психолога', expect: 'Как срочно' },
  { kind: 'press', value: 'Можно в ближайшие дни', expect: 'Для кого нужна помощь психолога' },
  { kind: 'press', value: 'Для меня', expect: 'Как удобнее' },
  { kind: 'press', value: 'По телефону', expect: 'Когда вам удобно' },
  { kind: 'text', value: 'В будни после 18:00', expect: 'добавить для куратора' },
  { kind: 'press', value: 'Пропустить', expect: 'документы или фото' },
  { kind: 'press', value: 'Пропустить', expect: 'Всё верно?' },
  { kind: 'press', value: '✅ Отправить куратору', expect: 'принята' },
];

/** The same kinds of updates in the same order, for the bare bot (floor-bot.ts): «Готово» last. */
export const floorDialogue: Step[] = requestDialogue.map((step, index) =>
  step.kind !== 'press'
    ? { kind: 'text', value: step.value, expect: 'Ответ' }
    : index === requestDialogue.length - 1
      ? { kind: 'press', value: 'Готово', expect: 'Ответ принят' }
      : { kind: 'press', value: 'Дальше', expect: 'Ответ' },
);

/** Sends one step's update; returns when it was injected (performance.now()). */
export function inject(emulator: Emulator, userId: number, step: Step): number {
  const at = performance.now();
  if (step.kind === 'text') emulator.sendText(userId, step.value);
  else if (step.kind === 'reply') emulator.pressReplyButton(userId, step.value);
  else emulator.pressButtonByText(userId, undefined, step.value);
  return at;
}

/** The latest bot message in the chat with a button of this label (the one a press of it reaches). */
function pressedMessage(emulator: Emulator, userId: number, label: string) {
  return emulator
    .messages(userId, { from: 'bot' })
    .findLast((message) =>
      message.reply_markup?.inline_keyboard?.flat().some((button) => button.text === label),
    );
}

/** Walks the steps one after another, each waiting for its answer; returns each step's reply time (ms). */
export async function walk(emulator: Emulator, userId: number, steps: Step[], timeoutMs = 120_000) {
  const replyMs: number[] = [];
  for (const step of steps) {
    // A press may be answered in place (the summary edited to «принята»): the pressed message counts once
    // an edit makes it show the expected text, as does the next message that shows it.
    const pressed = step.kind === 'press' ? pressedMessage(emulator, userId, step.value) : undefined;
    const answered = emulator.waitForMessage(
      userId,
      (message) => (message.text ?? '').includes(step.expect),
      timeoutMs,
      pressed && !(pressed.text ?? '').includes(step.expect)
        ? {
            orEditOf: { messageId: pressed.message_id, afterVersion: pressed.previous_versions?.length ?? 0 },
          }
        : {},
    );
    const at = inject(emulator, userId, step);
    await answered;
    replyMs.push(performance.now() - at);
  }
  return replyMs;
}
