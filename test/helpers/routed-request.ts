import type { E2EWorld } from './e2e.js';

/**
 * A curator of `districtCode` with a chat, a family of theirs with a chat («Мария»), and a request the family
 * has just confirmed, waited for until its card reaches the curator through routing and delivery (and the
 * family has read who has it). `curatorUser` and `familyUser` are the two chats.
 */
export async function routedRequest(
  world: Pick<E2EWorld, 'seed'>,
  { districtCode = 'gryazi', curatorName }: { districtCode?: string; curatorName: string },
) {
  const {
    staff: { curator },
    families: { maria },
    requests: { request },
  } = await world.seed({
    staff: { curator: { name: curatorName, districts: [districtCode] } },
    families: { maria: { curator: 'curator' } },
    requests: { request: { family: 'maria', routedTo: 'curator' } },
  });
  const { family, member, district } = maria;
  const card = request.card!;
  return {
    district,
    curatorUser: { id: curator.chat },
    curator,
    familyUser: { id: maria.chat },
    family,
    member,
    request,
    card,
  };
}
