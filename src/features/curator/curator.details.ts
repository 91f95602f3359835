import type { Db } from '../../db/client.js';
import type { I18n } from '../../i18n.js';
import { fullDetailsMessages } from '../request-card/request-card.render.js';
import { createRequestCardRepository } from '../request-card/request-card.repository.js';
import { createCuratorRepository } from './curator.repository.js';
import { coversRequest, type RefusalReason } from './curator.usecases.js';

export type FullDetailsRefusal = RefusalReason | 'observer';

/**
 * «Показать полностью» under a shortened card: every answer of the family whole, for staff who may work
 * with the request now (its curator, staff of its district, a regional supervisor — the card's own rule,
 * checked again on every press). Observers never see a family's answers (SPEC §1). Each read is an
 * audit-log row.
 */
export async function fullRequestDetails(
  deps: { db: Db; i18n: I18n; now?: Date },
  input: { telegramId: number; requestId: number },
): Promise<{ ok: true; messages: string[] } | { ok: false; reason: FullDetailsRefusal }> {
  const presser = await createCuratorRepository({ db: deps.db }).staffByTelegramId(input.telegramId);
  if (!presser?.active) return { ok: false, reason: 'not_staff' };
  if (presser.role === 'observer') return { ok: false, reason: 'observer' };
  const found = await createCuratorRepository({ db: deps.db }).findRequest(input.requestId);
  if (!found) return { ok: false, reason: 'not_found' };
  if (!coversRequest(presser, found.request, found.districtId)) return { ok: false, reason: 'out_of_scope' };
  const repository = createRequestCardRepository({ db: deps.db });
  await repository.recordDetailsView({
    staffId: presser.id,
    familyId: found.request.familyId,
    requestId: found.request.id,
    now: deps.now ?? new Date(),
  });
  return { ok: true, messages: fullDetailsMessages(deps.i18n.forLanguage('ru'), found.request) };
}
