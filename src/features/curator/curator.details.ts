import type { Db } from '../../db/client.js';
import type { I18n } from '../../i18n.js';
import { type AccessRefusal, authoriseRequestAction } from '../access/index.js';
import { fullDetailsMessages, recordDetailsView } from '../request-card/index.js';

/**
 * «Показать полностью» under a shortened card: every answer of the family whole, for staff who may work
 * with the request now (features/access, checked again on every press). Observers never see a family's
 * answers (SPEC §1). Each read is an audit-log row.
 */
export async function fullRequestDetails(
  deps: { db: Db; i18n: I18n; now?: Date },
  input: { telegramId: number; requestId: number },
): Promise<
  { ok: true; messages: string[]; staffId: number; familyId: number } | { ok: false; refusal: AccessRefusal }
> {
  const checked = await authoriseRequestAction(deps.db, { ...input, action: 'details' });
  if (!checked.ok) return checked;
  const { presser, request } = checked;
  await recordDetailsView(deps.db, {
    staffId: presser.id,
    familyId: request.familyId,
    requestId: request.id,
    now: deps.now ?? new Date(),
  });
  return {
    ok: true,
    messages: fullDetailsMessages(deps.i18n.forLanguage('ru'), request),
    staffId: presser.id,
    familyId: request.familyId,
  };
}
