import type { E2EWorld } from './e2e.js';

/**
 * A curator of `districtCode` with a chat and a family of theirs with a chat («Мария»).
 * `curatorUser` and `familyUser` are the two chats.
 */
export async function curatorWithFamily(
  world: Pick<E2EWorld, 'seed'>,
  { districtCode = 'gryazi', curatorName }: { districtCode?: string; curatorName: string },
) {
  const {
    staff: { curator },
    families: { maria },
  } = await world.seed({
    staff: { curator: { name: curatorName, districts: [districtCode] } },
    families: { maria: { curator: 'curator' } },
  });
  const { family, member, district } = maria;
  return {
    district,
    curatorUser: { id: curator.chat },
    curator,
    familyUser: { id: maria.chat },
    family,
    member,
    maria,
  };
}

/**
 * `curatorWithFamily`, and a request the family has just confirmed, waited for until its card reaches the
 * curator through routing and delivery (and the family has read who has it).
 */
export async function routedRequest(
  world: Pick<E2EWorld, 'seed'>,
  where: { districtCode?: string; curatorName: string },
) {
  const both = await curatorWithFamily(world, where);
  const {
    requests: { request },
  } = await world.seed({ requests: { request: { family: both.maria, routedTo: both.curator } } });
  return { ...both, request, card: request.card! };
}

/**
 * A curator of another district (lipetsk-city) with a chat and one bot message in it, to press forged
 * buttons under: `press(data)` presses one and returns the bot's answer to it.
 */
export async function strangerCurator(
  world: Pick<E2EWorld, 'seed' | 'emulator' | 'answerTo'>,
  name = 'Игорь Чужой',
) {
  const {
    staff: { stranger },
  } = await world.seed({ staff: { stranger: { name, districts: ['lipetsk-city'] } } });
  // Any message in the stranger's own chat will do to carry the forged button data.
  world.emulator.sendText(stranger.chat, '/start');
  const somewhere = await world.emulator.waitForMessage(stranger.chat, undefined, 15_000);
  const press = (data: string) =>
    world.answerTo(world.emulator.pressButton(stranger.chat, somewhere.message_id, data).callback_query_id);
  return { ...stranger, press };
}
