import { performance } from 'node:perf_hooks';
import type { Emulator } from '../../src/sandbox/emulator.js';
import { answeredInPlace } from '../helpers/family-dialogue.js';

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

/** Sends one step's update; for a press, the id of the message pressed. */
function inject(emulator: Emulator, userId: number, step: Step): number | undefined {
  if (step.kind === 'text') emulator.sendText(userId, step.value);
  else if (step.kind === 'reply') emulator.pressReplyButton(userId, step.value);
  else return emulator.pressButtonByText(userId, undefined, step.value).message_id;
  return undefined;
}

/** Walks the steps one after another, each waiting for its answer; returns each step's reply time (ms). */
export async function walk(emulator: Emulator, userId: number, steps: Step[], timeoutMs = 120_000) {
  const replyMs: number[] = [];
  for (const step of steps) {
    const at = performance.now();
    const pressed = inject(emulator, userId, step);
    // A press may be answered in place (the summary edited to «принята»), as the next message may.
    const inPlace =
      pressed === undefined ? undefined : answeredInPlace(emulator, userId, pressed, step.expect);
    await emulator.waitForMessage(
      userId,
      (message) => (message.text ?? '').includes(step.expect),
      timeoutMs,
      inPlace ? { orEditOf: inPlace } : {},
    );
    replyMs.push(performance.now() - at);
  }
  return replyMs;
}
