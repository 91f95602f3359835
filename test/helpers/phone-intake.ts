import type { FamilyChat } from './family-dialogue.js';

/**
 * A curator's `/intake` from the family's phone to the summary «Проверьте анкету»: oral consent, the
 * mother Смирнова Елена Ивановна, the serviceman, Липецк, the address typed (or skipped), no children or
 * relatives. The curator covers one district, so it is not asked. Returns the summary.
 */
export async function phoneIntakeToSummary(
  chat: FamilyChat,
  phone: { typed: string; stored: string },
  address?: string,
) {
  await chat.say(phone.typed, 'согласие на обработку');
  await chat.press('Согласие получено', 'ФИО того, кто обращается');
  await chat.say('Смирнова Елена Ивановна', 'Кем этот человек приходится');
  await chat.press('Мать', 'ФИО военнослужащего');
  await chat.say('Смирнов Алексей Петрович', 'Дата рождения военнослужащего');
  await chat.press('Пропустить', 'Населённый пункт');
  await chat.say('Липецк', 'Адрес');
  if (address) await chat.say(address, 'Есть ли в семье дети');
  else await chat.press('Пропустить', 'Есть ли в семье дети');
  await chat.press('Пропустить', 'пожилые родственники');
  return chat.press('Пропустить', `Проверьте анкету. Телефон: ${phone.stored}`);
}
