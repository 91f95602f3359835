import { z } from 'zod';
import { normalizePhone } from '../../bot/dialogue/questions.js';
import type { Db, DbOrTx } from '../../db/client.js';
import type { StaffRole } from '../../db/schema/enums.js';
import type { I18n, Translate } from '../../i18n.js';
import { type CardBlock, fitBlocks } from '../../telegram/message-limits.js';
import { formatCalendarDate, formatRegionTime, regionDate } from '../../time.js';
import {
  type AccessRefusal,
  authoriseRequestAction,
  decideFamilyAccess,
  type StaffMember,
  staffByTelegramId,
} from '../access/index.js';
import { lastContactText } from '../check-ins/index.js';
import { curatorCardView } from '../curator/index.js';
import { loadPassport, renderPassport, type StoredPassport } from '../passport/index.js';
import {
  FAMILY_CARD_DETAILS_BUDGET,
  familyRequestBlocks,
  latestRequestsOfFamily,
} from '../request-card/index.js';
import { familyCuratorOrDeputy, isAway } from '../staff/index.js';
import { measureByCode } from '../support-measures/index.js';
import { supportMeasuresSection } from './curator-tools.measures.js';
import { createCuratorToolsRepository, type StaffScope } from './curator-tools.repository.js';

export const MY_PAGE_SIZE = 5;
export const MEASURE_NOTE_MAX = 500;

type Presser = StaffMember;

export type ToolsRefusal = 'not_staff' | 'not_found' | 'out_of_scope' | 'not_allowed' | 'wrong_role';

/** The active staff member behind a Telegram account, or undefined (a family member, a stranger, deactivated). */
export async function activeStaff(db: DbOrTx, telegramId: number) {
  const presser = await staffByTelegramId(db, telegramId);
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
  event: { type: string; createdAt: Date; data: unknown; staffName: string | null },
) {
  const data = (event.data ?? {}) as Record<string, unknown>;
  return t('ct-history-line', {
    time: formatRegionTime(event.createdAt, timeZone, 'ru'),
    event: t('ct-event', {
      type: event.type,
      to: typeof data.to === 'string' ? data.to : 'none',
      name: event.staffName ?? '',
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
  const history = [t('ct-history-title'), ...events.map((e) => historyLine(t, deps.timeZone, e))];
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
 * Where a family card is opened: from a request card's «Карточка семьи» (the request's access rule, the
 * request's member), or from the family itself (/family, its list, a recorded measure; the family's scope).
 */
type FamilyCardDoor = { requestId: number } | { familyId: number; via: string };

/** The presser let in through a door, and what the card shows and records for that door. */
type OpenedDoor = { presser: Presser; familyId: number; memberId: number | undefined } & (
  | { kind: 'request'; request: { id: number; number: number } }
  | { kind: 'family'; reachedBy: 'telegram' | 'phone'; via: string }
);

export interface FamilyCard {
  ok: true;
  text: string;
  requests: Array<{ id: number; number: number }>;
  staffId: number;
  familyId: number;
  /** A family without Telegram cannot ask for itself: its curator makes the request on its behalf. */
  offerRequest: boolean;
}

type FamilyCardDeps = { db: Db; i18n: I18n; timeZone: string; now?: Date };

/**
 * «Карточка семьи»: passport, members' phones, the latest requests and support measures, for staff whose
 * scope covers the request or the family. Every view is an audit-log row (SPEC §8); one opened from a
 * request is also a `family_card_viewed` event of that request.
 */
export function viewFamilyCard(
  deps: FamilyCardDeps,
  input: { telegramId: number; requestId: number },
): Promise<FamilyCard | { ok: false; refusal: AccessRefusal }>;
export function viewFamilyCard(
  deps: FamilyCardDeps,
  input: { telegramId: number; familyId: number; via: string },
): Promise<FamilyCard | { ok: false; reason: ToolsRefusal }>;
export async function viewFamilyCard(
  deps: FamilyCardDeps,
  input: { telegramId: number } & FamilyCardDoor,
): Promise<FamilyCard | { ok: false; refusal: AccessRefusal } | { ok: false; reason: ToolsRefusal }> {
  const now = deps.now ?? new Date();
  const t = deps.i18n.forLanguage('ru');
  return deps.db.transaction(async (tx) => {
    const opened = 'requestId' in input ? await openByRequest(tx, input) : await openByFamily(tx, input);
    if (!opened.ok) return opened;
    const { door } = opened;
    const repository = createCuratorToolsRepository({ db: tx });
    const passport =
      door.memberId === undefined
        ? undefined
        : await loadPassport({ db: tx }, { familyId: door.familyId, memberId: door.memberId });
    if (!passport) return door.kind === 'request' ? notFoundByRequest : notFoundByFamily;
    const [members, history] = await Promise.all([
      repository.familyMembers(door.familyId),
      latestRequestsOfFamily(tx, door.familyId),
    ]);
    await repository.recordFamilyCardView({
      staffId: door.presser.id,
      familyId: door.familyId,
      ...(door.kind === 'request' ? { requestId: door.request.id } : { via: door.via }),
      now,
    });
    const measures = await supportMeasuresSection(tx, t, door.familyId, regionDate(now, deps.timeZone));
    const contact = await lastContactText(tx, t, door.familyId, deps.timeZone);
    const curator = door.kind === 'family' ? await curatorLine(tx, t, door.familyId, now, deps.timeZone) : '';
    const shown = { passport, members, history, measures, contact, curator };
    const { text } = fitBlocks(familyCardBlocks(t, door, shown), {
      note: t('card-family-shortened'),
      detailsBudget: FAMILY_CARD_DETAILS_BUDGET,
    });
    const offerRequest =
      door.kind === 'family' && door.reachedBy === 'phone' && door.presser.role === 'curator';
    const card: FamilyCard = {
      ok: true,
      text,
      requests: history,
      staffId: door.presser.id,
      familyId: door.familyId,
      offerRequest,
    };
    return card;
  });
}

const notFoundByRequest = { ok: false, refusal: { reason: 'not_found' } } as const;
const notFoundByFamily = { ok: false, reason: 'not_found' } as const;

async function openByRequest(tx: DbOrTx, input: { telegramId: number; requestId: number }) {
  const checked = await authoriseRequestAction(tx, { ...input, action: 'family', lock: true });
  if (!checked.ok) return checked;
  const { presser, request } = checked;
  const door: OpenedDoor = {
    kind: 'request',
    presser,
    familyId: request.familyId,
    memberId: request.memberId ?? undefined,
    request: { id: request.id, number: request.number },
  };
  return { ok: true, door } as const;
}

async function openByFamily(tx: DbOrTx, input: { telegramId: number; familyId: number; via: string }) {
  const checked = await authoriseFamily(tx, input.telegramId, input.familyId);
  if (!checked.ok) return checked;
  const door: OpenedDoor = {
    kind: 'family',
    presser: checked.presser,
    familyId: input.familyId,
    memberId: (await createCuratorToolsRepository({ db: tx }).firstMember(input.familyId))?.id,
    reachedBy: checked.family.reachedBy,
    via: input.via,
  };
  return { ok: true, door } as const;
}

/**
 * The card's blocks. Opened from a request, it names the request and ends with how to record a measure;
 * opened from the family, it names the family's way of contact and its curator, and whether each member
 * uses the bot.
 */
function familyCardBlocks(
  t: Translate,
  door: OpenedDoor,
  shown: {
    passport: StoredPassport;
    members: Array<{ fullName: string | null; phone: string | null; telegramId: number | null }>;
    history: Parameters<typeof familyRequestBlocks>[1];
    measures: string;
    /** «Последний контакт: …». */
    contact: string;
    /** «Куратор: …», with who stands in while they are away (opened from the family only). */
    curator: string;
  },
): CardBlock[] {
  const { passport, members, history, measures, contact } = shown;
  if (door.kind === 'request') {
    const number = String(door.request.number);
    return [
      t('cur-family-card-title', { number }),
      renderPassport(t, passport.draft),
      [
        t('cur-family-card-members'),
        ...members.map((m) =>
          t('cur-family-card-member', { name: m.fullName ?? '—', phone: m.phone ?? '—' }),
        ),
        contact,
      ].join('\n'),
      ...familyRequestBlocks(t, history, { title: t('cur-family-card-requests') }),
      measures,
      t('ct-family-card-record-hint', { number }),
    ];
  }
  return [
    [t('ct-family-card-title', { reachedBy: door.reachedBy }), shown.curator].join('\n'),
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
      contact,
    ].join('\n'),
    ...familyRequestBlocks(t, history, {
      title: t('cur-family-card-requests'),
      empty: t('ct-family-card-no-requests'),
    }),
    measures,
  ];
}

/**
 * The card's line about the family's curator, as the routing order will treat a new request now (SPEC §4,
 * the same rule: familyCuratorOrDeputy): the curator; while they are away, until when and the deputy who
 * gets the family's requests; or, when nobody stands in (or the curator cannot take requests), that a free
 * curator or a supervisor gets them.
 */
async function curatorLine(tx: DbOrTx, t: Translate, familyId: number, now: Date, timeZone: string) {
  const repository = createCuratorToolsRepository({ db: tx });
  const curatorId = (await repository.findFamily(familyId))?.curatorId;
  const { curator, deputy } = curatorId ? await repository.curatorWithDeputy(curatorId, now) : {};
  if (!curator) return t('ct-family-card-curator', { state: 'none', curator: '' });
  const first = familyCuratorOrDeputy(curator, deputy, now);
  const away = isAway(curator, now) && curator.awayUntil;
  const until = away ? formatCalendarDate(regionDate(away, timeZone)) : '';
  const state =
    first?.via === 'family_curator' ? 'present' : first ? 'deputy' : away ? 'away' : 'unavailable';
  return t('ct-family-card-curator', {
    state,
    curator: curator.fullName,
    until,
    deputy: first?.via === 'deputy' ? first.member.fullName : '',
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
  deps: { db: Db; now?: Date },
  input: { telegramId: number; familyId: number; measure: string; since: string; note: string | null },
) {
  const now = deps.now ?? new Date();
  const values = measureInputSchema.parse(input);
  if (!(await measureByCode(deps.db, values.measure))) {
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

/** Where the card of a request made on a family's behalf goes, as the curator who made it is told. */
export type CardRecipient =
  | { to: 'here' | 'other' }
  | { to: 'your-deputy' | 'deputy' | 'family-curator'; name: string };

/**
 * Where the routing order (SPEC §4) will send the card once the request is committed, as far as its first
 * two steps tell — the same rule features/routing follows (familyCuratorOrDeputy): the family's curator if
 * present, else their deputy while they are away. Past those the card goes to whoever the rest of the order
 * picks (a free curator, the supervisors): not guessed here ('other'). So the curator on the phone reads
 * where the card will come — here, or to whom — not always «сюда».
 */
export async function cardRecipient(
  db: DbOrTx,
  input: { familyId: number; presserId: number; now?: Date },
): Promise<CardRecipient> {
  const now = input.now ?? new Date();
  const repository = createCuratorToolsRepository({ db });
  const family = await repository.findFamily(input.familyId);
  if (!family?.curatorId) return { to: 'other' };
  const { curator, deputy } = await repository.curatorWithDeputy(family.curatorId, now);
  const first = familyCuratorOrDeputy(curator, deputy, now);
  if (!first) return { to: 'other' };
  if (first.member.id === input.presserId) return { to: 'here' };
  if (first.via === 'family_curator') return { to: 'family-curator', name: first.member.fullName };
  return { to: curator?.id === input.presserId ? 'your-deputy' : 'deputy', name: first.member.fullName };
}
