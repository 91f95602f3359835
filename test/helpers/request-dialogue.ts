import type { E2EWorld } from './e2e.js';
import { createRegisteredFamily } from './factories.js';
import { familyChat } from './family-dialogue.js';

/** A registered family without children, in a new request for a psychologist, at «Как срочно…». */
export async function familyAtUrgency(bot: Pick<E2EWorld, 'emulator' | 'db'>, name: string) {
  const user = bot.emulator.createUser({ first_name: name, language_code: 'ru' });
  await createRegisteredFamily(bot.db, { telegramId: user.id, children: [] });
  const chat = familyChat(bot.emulator, user.id);
  await chat.say('/menu', 'Главное меню');
  bot.emulator.pressReplyButton(user.id, 'Нужна помощь');
  await chat.next('С чем нужна помощь');
  await chat.press('Помощь психолога', 'Как срочно');
  return chat;
}
