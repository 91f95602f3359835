import type { FamilyChat } from './family-dialogue.js';

/** A child as the curator types it in the intake: name, birth date (ДД.ММ.ГГГГ), the institution's button. */
export interface IntakeChild {
  name: string;
  birthDate: string;
  institution: 'Детский сад' | 'Школа' | 'Никуда не ходит';
}

/**
 * A curator's `/intake` from the family's phone to the summary «Проверьте анкету»: oral consent, the
 * mother Смирнова Елена Ивановна, the serviceman, Липецк, the address typed (or skipped), the children
 * given (none by default), no relatives. The curator covers one district, so it is not asked. Returns the
 * summary.
 */
export async function phoneIntakeToSummary(
  chat: FamilyChat,
  phone: { typed: string; stored: string },
  address?: string,
  children: IntakeChild[] = [],
) {
  await chat.say(phone.typed, 'согласие на обработку');
  await chat.press('Согласие получено', 'Как зовут того, кто обращается');
  await chat.say('Смирнова Елена Ивановна', 'Кем этот человек приходится');
  await chat.press('Мать', 'Как зовут военнослужащего');
  await chat.say('Смирнов Алексей Петрович', 'Дата рождения военнослужащего');
  await chat.press('Пропустить', 'В каком населённом пункте');
  await chat.say('Липецк', 'Адрес семьи');
  if (address) await chat.say(address, 'Спросите, есть ли в семье дети');
  else await chat.press('Пропустить', 'Спросите, есть ли в семье дети');
  for (const [index, child] of children.entries()) {
    await chat.press(index === 0 ? 'Добавить ребёнка' : 'Добавить ещё', 'Как зовут ребёнка');
    await chat.say(child.name, 'Дата рождения ребёнка');
    await chat.say(child.birthDate, 'детский сад или школу');
    await chat.press(child.institution, `Детей добавлено: ${index + 1}`);
  }
  await chat.press(children.length > 0 ? 'Дальше' : 'Пропустить', 'пожилые родственники');
  return chat.press('Пропустить', `Проверьте анкету. Телефон: ${phone.stored}`);
}

/**
 * `/intake` through the saved family (no address, no children) to the question «Оформить заявку от имени семьи
 * сейчас?»; with `request`, pressed «Оформить заявку» up to «С чем нужна помощь?».
 */
export async function phoneIntakeSaved(
  chat: FamilyChat,
  phone: { typed: string; stored: string },
  request = true,
) {
  await chat.say('/intake', 'Регистрируем семью по телефону');
  await chat.next('Телефон семьи');
  await phoneIntakeToSummary(chat, phone);
  await chat.press('Сохранить', 'Семья сохранена и закреплена за вами');
  const ask = await chat.next('Оформить заявку от имени семьи');
  return request ? chat.press('Оформить заявку', 'С чем нужна помощь') : ask;
}
