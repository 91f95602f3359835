import { z } from 'zod';
import { normalizePhone } from '../../bot/dialogue/questions.js';
import type { Db, DbOrTx } from '../../db/client.js';
import type { StaffRole } from '../../db/schema/enums.js';
import type { I18n, Translate } from '../../i18n.js';
import { fitBlocks } from '../../telegram/message-limits.js';
import { formatRegionTime } from '../../time.js';
import { decideFamilyAccess } from '../access/access.policy.js';
import { authoriseRequestAction } from '../access/access.usecases.js';
import { createCuratorRepository } from '../curator/curator.repository.js';
import { curatorCardView } from '../curator/curator.usecases.js';
import { renderPassport } from '../passport/passport.render.js';
import { createPassportRepository } from '../passport/passport.repository.js';
import { FAMILY_CARD_DETAILS_BUDGET, familyRequestBlocks } from '../request-card/request-card.render.js';
import { createRequestCardRepository } from '../request-card/request-card.repository.js';
import type { SupportMeasuresCatalogue } from '../support-measures/support-measures.catalogue.js';
import { supportMeasuresSection } from './curator-tools.measures.js';
import { createCuratorToolsRepository, type StaffScope } from './curator-tools.repository.js';

export const MY_PAGE_SIZE = 5;
export const MEASURE_NOTE_MAX = 500;

type Presser = NonNullable<
  Awaited<ReturnType<ReturnType<typeof createCuratorRepository>['staffByTelegramId']>>
>;

export type ToolsRefusal = 'not_staff' | 'not_found' | 'out_of_scope' | 'not_allowed' | 'wrong_role';

/** The active staff member behind a Telegram account, or undefined (a family member, a stranger, deactivated). */
export async function activeStaff(db: DbOrTx, telegramId: number) {
  const presser = await createCuratorRepository({ db }).staffByTelegramId(telegramId);
  return presser?.active ? presser : undefined;
}

/** Curators and supervisors work with families; observers see aggregates only (SPEC §1). */
const worksWithFamilies = (role: StaffRole) => role === 'curator' || role === 'supervisor';

function scopeOf(presser: Presser, purpose: 'my' | 'families'): StaffScope {
  return {
    staffId: presser.id,
    districtIds: presser.districtIds,
    all: presser.role === 'supervisor' && presser.regional,
    ownRequestsOnly: purpose === 'my' && presser.role === 'curator',
  };
}

/** A family in the presser's scope: the same rule as for a request (curator, district, regional supervisor). */
const coversFamily = (presser: Presser, family: { curatorId: number | null; districtId: number }) =>
  decideFamilyAccess(presser, { ...family, erased: false }).ok;

async function authoriseStaff(db: DbOrTx, telegramId: number) {
  const presser = await activeStaff(db, telegramId);
  if (!presser) return { ok: false, reason: 'not_staff' } as const;
  if (!worksWithFamilies(presser.role)) return { ok: false, reason: 'wrong_role' } as const;
  return { ok: true, presser } as const;
}

/** Whoever presses must be active staff in scope of the family, checked again on every press. */
async function authoriseFamily(db: DbOrTx, telegramId: number, familyId: number) {
  const checked = await authoriseStaff(db, telegramId);
  if (!checked.ok) return checked;
  const family = await createCuratorToolsRepository({ db }).findFamily(familyId);
  if (!family || family.erasedAt) return { ok: false, reason: 'not_found' } as const;
  if (!coversFamily(checked.presser, family)) return { ok: false, reason: 'out_of_scope' } as const;
  return { ok: true, presser: checked.presser, family } as const;
}

/** `/my`: one page of the open requests in scope (a curator's own), the most pressing deadline first. */
export async function listMyRequests(
  deps: { db: Db; now?: Date },
  input: { telegramId: number; page: number },
) {
  const now = deps.now ?? new Date();
  const checked = await authoriseStaff(deps.db, input.telegramId);
  if (!checked.ok) return checked;
  const repository = createCuratorToolsRepository({ db: deps.db });
  const scope = scopeOf(checked.presser, 'my');
  const { total, overdue } = await repository.countOpenRequests(scope, now);
  const pages = Math.max(1, Math.ceil(total / MY_PAGE_SIZE));
  const page = Math.min(Math.max(0, input.page), pages - 1);
  const rows = await repository.openRequestsPage(scope, page * MY_PAGE_SIZE, MY_PAGE_SIZE);
  // Past the deadline that matters now (take, or resolve once in work): the list says so on the item.
  const items = rows.map((row) => ({ ...row, overdue: new Date(row.deadlineAt).getTime() < now.getTime() }));
  return { ok: true, items, page, pages, total, overdue } as const;
}

function historyLine(
  t: Translate,
  timeZone: string,
  event: { type: string; createdAt: Date; data: unknown },
  names: Map<number, string>,
) {
  const data = (event.data ?? {}) as Record<string, unknown>;
  const staffId = typeof data.staffId === 'number' ? data.staffId : undefined;
  return t('ct-history-line', {
    time: formatRegionTime(event.createdAt, timeZone, 'ru'),
    event: t('ct-event', {
      type: event.type,
      to: typeof data.to === 'string' ? data.to : 'none',
      name: staffId === undefined ? '' : (names.get(staffId) ?? ''),
    }),
  });
}

/** A request from `/my`: the curator's card (status line and buttons) with its history. Scope checked first. */
export async function openRequestCard(
  deps: { db: Db; i18n: I18n; timeZone: string },
  input: { telegramId: number; requestId: number },
) {
  const checked = await authoriseRequestAction(deps.db, { ...input, action: 'open' });
  if (!checked.ok) return checked;
  const t = deps.i18n.forLanguage('ru');
  const events = await createCuratorToolsRepository({ db: deps.db }).requestHistory(input.requestId);
  const staffIds = [
    ...new Set(
      events.flatMap((e) => {
        const id = (e.data as Record<string, unknown> | null)?.staffId;
        return typeof id === 'number' ? [id] : [];
      }),
    ),
  ];
  const names = new Map<number, string>();
  for (const id of staffIds) {
    const name = await createCuratorRepository({ db: deps.db }).staffName(id);
    if (name) names.set(id, name);
  }
  const history = [t('ct-history-title'), ...events.map((e) => historyLine(t, deps.timeZone, e, names))];
  // The history goes under the card and is fitted with it into one message.
  const view = await curatorCardView(deps, input.requestId, { after: [history.join('\n')] });
  if (!view) return { ok: false, refusal: { reason: 'not_found' } } as const;
  return {
    ok: true,
    staffId: checked.presser.id,
    familyId: checked.request.familyId,
    text: view.text,
    keyboard: view.keyboard,
  } as const;
}

export type FamilyQuery =
  | { kind: 'phone'; phone: string }
  | { kind: 'name'; name: string }
  | { kind: 'number'; number: number };

const nameQuerySchema = z.string().trim().min(2).max(100);

/** `/family <phone|name|№>`: a request number (`№ 1042`, `1042`), a phone (10+ digits) or a part of a name. */
export function parseFamilyQuery(raw: string): FamilyQuery | undefined {
  const text = raw.trim();
  const number = /^(?:№|n|#)?\s*(\d{1,9})$/i.exec(text);
  const digits = text.replace(/\D/g, '');
  if (/^[+\d\s()-]+$/.test(text) && digits.length >= 10 && digits.length <= 15) {
    return { kind: 'phone', phone: normalizePhone(text) };
  }
  if (number) return { kind: 'number', number: Number(number[1]) };
  const name = nameQuerySchema.safeParse(text);
  return name.success && /\p{L}/u.test(name.data) ? { kind: 'name', name: name.data } : undefined;
}

/** Families in the presser's scope matching the query (at most 10 listed; more means "be more precise"). */
export async function findFamilies(
  deps: { db: Db; now?: Date },
  input: { telegramId: number; query: FamilyQuery },
) {
  const checked = await authoriseStaff(deps.db, input.telegramId);
  if (!checked.ok) return checked;
  const repository = createCuratorToolsRepository({ db: deps.db });
  const rows = await repository.findFamilies(scopeOf(checked.presser, 'families'), input.query);
  const shown = rows.slice(0, 10);
  // A list shows names: each family on it is a staff read (a single match is logged as the card view).
  if (shown.length > 1) {
    const now = deps.now ?? new Date();
    for (const family of shown) {
      await repository.audit({
        staffId: checked.presser.id,
        action: 'family_found',
        familyId: family.familyId,
        details: { query: input.query.kind },
        now,
      });
    }
  }
  return { ok: true, families: shown, more: rows.length > 10 } as const;
}

/** Checks that the presser may work with this family now (before a dialogue asks anything). */
export async function checkFamilyAccess(
  deps: { db: DbOrTx },
  input: { telegramId: number; familyId: number; curatorOnly?: boolean },
) {
  const checked = await authoriseFamily(deps.db, input.telegramId, input.familyId);
  if (!checked.ok) return checked;
  if (input.curatorOnly && checked.presser.role !== 'curator')
    return { ok: false, reason: 'wrong_role' } as const;
  return { ok: true, staffId: checked.presser.id } as const;
}

/**
 * «Карточка семьи» opened by family (from /family or after recording a measure): passport, household,
 * members' phones, requests and support measures. Every view is an audit-log row (SPEC §8).
 */
export async function viewFamilyCardOf(
  deps: { db: Db; i18n: I18n; catalogue: SupportMeasuresCatalogue; now?: Date },
  input: { telegramId: number; familyId: number; via: string },
) {
  const now = deps.now ?? new Date();
  const t = deps.i18n.forLanguage('ru');
  return deps.db.transaction(async (tx) => {
    const checked = await authoriseFamily(tx, input.telegramId, input.familyId);
    if (!checked.ok) return checked;
    const repository = createCuratorToolsRepository({ db: tx });
    const memberId = await repository.firstMemberId(input.familyId);
    const passport =
      memberId === undefined
        ? undefined
        : await createPassportRepository({ db: tx }).load(input.familyId, memberId);
    if (!passport) return { ok: false, reason: 'not_found' } as const;
    const [members, history] = await Promise.all([
      repository.familyMembers(input.familyId),
      createRequestCardRepository({ db: tx }).latestOfFamily(input.familyId),
    ]);
    await repository.audit({
      staffId: checked.presser.id,
      action: 'family_card_viewed',
      familyId: input.familyId,
      details: { via: input.via },
      now,
    });
    const { text } = fitBlocks(
      [
        [
          t('ct-family-card-title', { reachedBy: checked.family.reachedBy }),
          t('ct-family-card-curator', {
            curator: passport.curatorName ?? '',
            hasCurator: passport.curatorName ? 'yes' : 'no',
          }),
        ].join('\n'),
        renderPassport(t, passport.draft),
        [
          t('ct-family-card-members'),
          ...members.map((m) =>
            t('ct-family-card-member', {
              name: m.fullName ?? '—',
              phone: m.phone ?? '—',
              telegram: m.telegramId === null ? 'no' : 'yes',
            }),
          ),
        ].join('\n'),
        ...familyRequestBlocks(t, history, {
          title: t('cur-family-card-requests'),
          empty: t('ct-family-card-no-requests'),
        }),
        await supportMeasuresSection(tx, t, input.familyId, deps.catalogue),
      ],
      { note: t('card-family-shortened'), detailsBudget: FAMILY_CARD_DETAILS_BUDGET },
    );
    // A family without Telegram cannot ask for itself: its curator makes the request on its behalf.
    const offerRequest = checked.family.reachedBy === 'phone' && checked.presser.role === 'curator';
    return { ok: true, text, offerRequest, requests: history, staffId: checked.presser.id } as const;
  });
}

export const measureInputSchema = z.object({
  measure: z.string().regex(/^[a-z_]{2,24}$/),
  since: z.iso.date(),
  note: z.string().trim().min(1).max(MEASURE_NOTE_MAX).nullable(),
});

/**
 * Records a support measure the family receives (measure from the catalogue, since when, a note), with who
 * recorded it; the scope is checked again here, whatever the dialogue checked before.
 */
export async function recordSupportMeasure(
  deps: { db: Db; catalogue: SupportMeasuresCatalogue; now?: Date },
  input: { telegramId: number; familyId: number; measure: string; since: string; note: string | null },
) {
  const now = deps.now ?? new Date();
  const values = measureInputSchema.parse(input);
  if (!deps.catalogue.measures.some((m) => m.code === values.measure)) {
    return { ok: false, reason: 'not_found' } as const;
  }
  return deps.db.transaction(async (tx) => {
    const checked = await authoriseFamily(tx, input.telegramId, input.familyId);
    if (!checked.ok) return checked;
    const repository = createCuratorToolsRepository({ db: tx });
    await repository.insertMeasure({ familyId: input.familyId, ...values, staffId: checked.presser.id, now });
    await repository.audit({
      staffId: checked.presser.id,
      action: 'support_measure_recorded',
      familyId: input.familyId,
      details: { measure: values.measure },
      now,
    });
    return { ok: true } as const;
  });
}
