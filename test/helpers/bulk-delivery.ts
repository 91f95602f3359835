import { expect } from 'vitest';
import type { Db } from '../../src/db/client.js';
import type { Emulator } from '../../src/sandbox/emulator.js';
import { createFamilyWithMember, createStaffMember, districtByCode } from './routing-factories.js';

/** `count` emulated curators of one district, each the curator of one family: the chats of a bulk test. */
export async function curatorsWithAFamilyEach(
  db: Db,
  emulator: Emulator,
  districtCode: string,
  count: number,
) {
  const district = await districtByCode(db, districtCode);
  const chats: number[] = [];
  const familyIds: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const chat = emulator.createUser({ first_name: `Куратор ${i}` }).id;
    const curator = await createStaffMember(db, { telegramId: chat, districtIds: [district.id] });
    const { family } = await createFamilyWithMember(db, { districtId: district.id, curatorId: curator.id });
    chats.push(chat);
    familyIds.push(family.id);
  }
  return { chats, familyIds };
}

/**
 * None lost, none twice: each chat holds exactly the cards of its requests, each number once. Requests were
 * made round-robin over the families, so request `i` belongs to chat `i % chats.length`.
 */
export function expectEachChatGotItsCards(
  emulator: Emulator,
  chats: number[],
  created: Array<{ number: number }>,
) {
  const expected = new Map<number, string[]>();
  created.forEach((request, index) => {
    const chat = chats[index % chats.length]!;
    expected.set(chat, [...(expected.get(chat) ?? []), `№ ${request.number}`]);
  });
  for (const chat of chats) {
    const received = emulator
      .messages(chat, { from: 'bot' })
      .map((message) => /№ \d+/.exec(message.text ?? '')?.[0]);
    expect(received.sort()).toEqual(expected.get(chat)!.sort());
  }
}
