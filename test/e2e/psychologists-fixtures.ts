import { eq } from 'drizzle-orm';
import type { Db } from '../../src/db/client.js';
import { consultations, psychologistSchedules, requests } from '../../src/db/schema/index.js';
import type { StoredMessage } from '../../src/sandbox/emulator/types.js';
import type { createEmulator } from '../../src/sandbox/emulator.js';
import { createRegisteredFamily } from '../helpers/factories.js';
import { createConfirmedRequest } from '../helpers/routing-factories.js';

type Emulator = ReturnType<typeof createEmulator>;

/** Every day, round the clock, one-hour slots: a free slot is always near, whatever the real clock says. */
export async function roundTheClock(db: Db, staffId: number, options: { daysOff?: string[] } = {}) {
  await db
    .insert(psychologistSchedules)
    .values({
      staffId,
      slotMinutes: 60,
      hours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, fromMinute: 0, toMinute: 1440 })),
      formats: ['video', 'phone', 'in_person'],
      address: 'г. Грязи, ул. Красная, 5, каб. 12',
      daysOff: options.daysOff ?? [],
    })
    .onConflictDoNothing();
}

/** A registered family with a chat and a confirmed psychologist request (it goes through routing). */
export async function familyAskingForPsychologist(
  world: { db: Db; emulator: Emulator },
  input: { districtId: number; curatorId?: number; name: string; urgent?: boolean },
) {
  const user = world.emulator.createUser({ first_name: input.name, language_code: 'ru' });
  const { family, member } = await createRegisteredFamily(world.db, {
    telegramId: user.id,
    districtId: input.districtId,
    curatorId: input.curatorId ?? null,
    memberName: `Иванова ${input.name} Петровна`,
  });
  const request = await createConfirmedRequest(world.db, {
    familyId: family.id,
    memberId: member.id,
    category: 'psychologist',
    priority: input.urgent ? 'urgent' : 'normal',
  });
  const details = {
    forWhom: 'child',
    format: 'video',
    urgency: input.urgent ? 'now' : 'planned',
    comment: 'Сын плохо спит',
  };
  await world.db.update(requests).set({ details }).where(eq(requests.id, request.id));
  return { user, family, member, request };
}

export const isOffer = (message: StoredMessage) =>
  (message.reply_markup?.inline_keyboard.flat() ?? []).some(
    (b) => 'callback_data' in b && b.callback_data?.startsWith('psy:s:'),
  );

export const slotButtons = (message: StoredMessage) =>
  (message.reply_markup?.inline_keyboard.flat() ?? []).flatMap((b) =>
    'callback_data' in b && b.callback_data?.startsWith('psy:s:')
      ? [{ text: b.text, data: b.callback_data }]
      : [],
  );

export const buttonTexts = (message: StoredMessage) =>
  message.reply_markup?.inline_keyboard.flat().map((b) => b.text) ?? [];

export async function bookedOf(db: Db, requestId: number) {
  return db
    .select()
    .from(consultations)
    .where(eq(consultations.requestId, requestId))
    .orderBy(consultations.id);
}
