import type { Db, DbOrTx } from '../../db/client.js';
import {
  isWaitingToBeTaken,
  type RequestStatus,
  requestCategories,
  requestStatuses,
} from '../../db/schema/enums.js';
import type { I18n } from '../../i18n.js';
import { writeOutbox } from '../../queue/outbox.js';
import { type AccessRefusal, authoriseRequestAction, openStatuses } from '../access/index.js';
import { requestCardText, withFullDetailsButton } from '../request-card/index.js';
import { supervisorCardKeyboard } from './supervision.keyboards.js';
import type { StatsPeriod } from './supervision.period.js';
import { deadlineLine, statusLabel } from './supervision.render.js';
import {
  createSupervisionRepository,
  type FigureRow,
  type FindQuery,
  type RegisterFilters,
  type RegisterSort,
} from './supervision.repository.js';
import type { SupervisionScope, SupervisionViewer } from './supervision.scope.js';
import type { Stats } from './supervision.types.js';

export type { FigureRow, RegisterFilters, Stats };

const emptyFigures: FigureRow = {
  created: 0,
  takenInTime: 0,
  takeDue: 0,
  resolvedInTime: 0,
  resolveDue: 0,
  medianTakeSeconds: null,
  medianResolveSeconds: null,
  averageRating: null,
  ratings: 0,
};

/**
 * Statistics of the requests created in `period` within `scope` (and the optional district / category
 * filter), computed in PostgreSQL:
 * - taken in time: taken by the take deadline, out of those taken or whose take deadline has passed
 *   (a request cancelled before anyone took it is not counted against anyone);
 * - resolved in time: resolved by the resolve deadline, out of those resolved or whose resolve deadline has
 *   passed without a cancel or a rejection;
 * - medians (percentile_cont) of creation → taken and creation → resolved; the average of the ratings given.
 */
export async function computeStats(
  db: DbOrTx,
  scope: SupervisionScope,
  period: StatsPeriod,
  filters: RegisterFilters = {},
  now: Date = new Date(),
): Promise<Stats> {
  const repository = createSupervisionRepository({ db });
  const groups = await repository.figures(scope, period, filters, now);
  const statuses = await repository.countsByStatus(scope, period, filters);
  const byStatus = Object.fromEntries(requestStatuses.map((status) => [status, 0])) as Record<
    RequestStatus,
    number
  >;
  for (const row of statuses) byStatus[row.status] = row.count;

  const districtRows = groups.flatMap((g) =>
    g.group.kind === 'district' ? [{ ...g.group, figures: g.figures }] : [],
  );
  const curatorRows = groups.flatMap((g) =>
    g.group.kind === 'curator' ? [{ ...g.group, figures: g.figures }] : [],
  );
  const districtNames = await repository.districtNames(districtRows.map((row) => row.districtId));
  const curatorNames = await repository.staffNames(
    curatorRows.flatMap((row) => (row.curatorId === null ? [] : [row.curatorId])),
  );
  const byCreated = <T extends { figures: FigureRow }>(a: T, b: T) => b.figures.created - a.figures.created;
  return {
    period,
    total: groups.find((g) => g.group.kind === 'total')?.figures ?? emptyFigures,
    byStatus,
    byDistrict: districtRows
      .map((row) => ({
        districtId: row.districtId,
        name: districtNames.get(row.districtId) ?? '—',
        figures: row.figures,
      }))
      .sort(byCreated),
    byCategory: groups
      .flatMap((g) =>
        g.group.kind === 'category' ? [{ category: g.group.category, figures: g.figures }] : [],
      )
      .sort(byCreated),
    byCurator: curatorRows
      .map((row) => ({
        curatorId: row.curatorId,
        name: row.curatorId === null ? null : (curatorNames.get(row.curatorId) ?? '—'),
        figures: row.figures,
      }))
      .sort(byCreated),
  };
}

export const OVERDUE_PAGE_SIZE = 8;

/** One page of the overdue list (0-based), most overdue first. */
export async function overduePage(db: Db, scope: SupervisionScope, page: number, now = new Date()) {
  const repository = createSupervisionRepository({ db });
  const result = await repository.overdue(scope, now, {
    offset: page * OVERDUE_PAGE_SIZE,
    limit: OVERDUE_PAGE_SIZE,
  });
  const pages = Math.max(1, Math.ceil(result.total / OVERDUE_PAGE_SIZE));
  return { ...result, page, pages };
}

export type { FindQuery };

/** `/find` input: a request number (`1042`, `№1042`), a phone (10+ digits), or a part of a name (2+ letters). */
export function parseFindQuery(text: string): FindQuery | undefined {
  const trimmed = text.trim();
  const number = /^(?:№|N|#)?\s*(\d{1,9})$/i.exec(trimmed);
  const digits = trimmed.replace(/\D/g, '');
  if (/^[+\d\s()-]+$/.test(trimmed) && digits.length >= 10)
    return { kind: 'phone', digits: digits.slice(-10) };
  if (number) return { kind: 'number', number: Number(number[1]) };
  if (trimmed.length >= 2 && trimmed.length <= 100 && /\p{L}/u.test(trimmed))
    return { kind: 'name', text: trimmed };
  return undefined;
}

const FIND_LIMIT = 5;

/**
 * Families in the supervisor's scope matching the query, with members, district, curator and latest
 * requests. Each family shown is a staff read of personal data: an audit-log row.
 */
export async function findFamilies(db: Db, viewer: SupervisionViewer, query: FindQuery, now = new Date()) {
  return db.transaction(async (tx) => {
    const repository = createSupervisionRepository({ db: tx });
    const ids = await repository.findFamilyIds(viewer.scope, query, FIND_LIMIT);
    const found = await repository.familiesWithDistrict(ids);
    const members = await repository.membersOfFamilies(ids);
    const latest = await repository.latestRequestsOfFamilies(ids);
    const curators = await repository.staffNames(
      found.flatMap((f) => (f.curatorId === null ? [] : [f.curatorId])),
    );
    for (const family of found) {
      await repository.insertAudit({
        staffId: viewer.id,
        action: 'family_found',
        familyId: family.id,
        details: { query: query.kind },
        createdAt: now,
      });
    }
    const isSought = (request: { number: number }) =>
      query.kind === 'number' && request.number === query.number;
    return found.map((family) => ({
      ...family,
      curator: family.curatorId === null ? null : (curators.get(family.curatorId) ?? null),
      members: members.filter((m) => m.familyId === family.id),
      // The request searched for first, then the family's latest.
      requests: latest
        .filter((r) => r.familyId === family.id)
        .sort((a, b) => Number(isSought(b)) - Number(isSought(a)))
        .slice(0, 5),
    }));
  });
}

/** Refusals of supervision: the access rule's, or a curator who cannot be given the request. */
export type SupervisionRefusal = AccessRefusal | { reason: 'bad_curator' };

/**
 * «Открыть» (from an alert, /overdue or /find): the request's card for a supervisor in scope — the card,
 * the status and curator, both deadlines — within Telegram's limit, with the buttons of supervision.
 */
export async function openRequestForSupervisor(
  deps: { db: Db; i18n: I18n; timeZone: string },
  input: { telegramId: number; requestId: number },
) {
  const checked = await authoriseRequestAction(deps.db, { ...input, action: 'oversee' });
  if (!checked.ok) return checked;
  const { request } = checked;
  const t = deps.i18n.forLanguage('ru');
  const curator =
    request.curatorId === null
      ? t('sup-no-curator')
      : ((await createSupervisionRepository({ db: deps.db }).staffNames([request.curatorId])).get(
          request.curatorId,
        ) ?? '—');
  const card = await requestCardText({ db: deps.db, t, timeZone: deps.timeZone }, input.requestId, {
    after: [
      t('sup-card-status', { status: statusLabel(t, request.status), curator }),
      // The card's head gives the clock that runs now; while the request waits to be taken that is the
      // take-by time, and the resolve clock, already running, is given here.
      ...(isWaitingToBeTaken(request.status)
        ? [deadlineLine(t, deps.timeZone, request.resolveDeadlineAt)]
        : []),
    ],
  });
  if (!card) return { ok: false, refusal: { reason: 'not_found' } } as const;
  const keyboard = withFullDetailsButton(
    supervisorCardKeyboard(t, input.requestId, openStatuses.includes(request.status)),
    t,
    input.requestId,
    card.shortened,
  );
  return { ok: true, staffId: checked.presser.id, text: card.text, keyboard } as const;
}

/** The curators a supervisor may give this request (or its family) to: active curators of the district. */
export async function reassignmentChoices(
  db: Db,
  input: { telegramId: number; requestId: number; family: boolean },
) {
  const checked = await authoriseRequestAction(db, {
    telegramId: input.telegramId,
    requestId: input.requestId,
    action: input.family ? 'reassign_family' : 'reassign',
  });
  if (!checked.ok) return checked;
  const repository = createSupervisionRepository({ db });
  const current = input.family
    ? ((await repository.familiesWithDistrict([checked.request.familyId]))[0]?.curatorId ?? null)
    : checked.request.curatorId;
  const curators = (await repository.activeCuratorsOf(checked.districtId)).filter((c) => c.id !== current);
  return { ok: true, request: checked.request, curators } as const;
}

/**
 * Gives a request to another active curator of its district: the curator changes (a request nobody had
 * becomes `assigned`; one in work stays in work), a `reassigned` event, and an outbox row that tells the
 * new curator (with the card), the old one and the family — one transaction, re-authorised here.
 */
export async function reassignRequest(
  db: Db,
  input: { telegramId: number; requestId: number; toStaffId: number },
  now = new Date(),
): Promise<
  | { ok: true; number: number; toName: string; unchanged: boolean }
  | { ok: false; refusal: SupervisionRefusal }
> {
  return db.transaction(async (tx) => {
    const repository = createSupervisionRepository({ db: tx });
    // The family row first, then the request (reassignFamily's order): a family message's routing waits.
    await repository.lockFamilyOfRequest(input.requestId);
    const checked = await authoriseRequestAction(tx, {
      telegramId: input.telegramId,
      requestId: input.requestId,
      action: 'reassign',
      lock: true,
    });
    if (!checked.ok) return checked;
    const { request } = checked;
    const target = (await repository.activeCuratorsOf(checked.districtId)).find(
      (c) => c.id === input.toStaffId,
    );
    if (!target) return { ok: false, refusal: { reason: 'bad_curator' } } as const;
    if (request.curatorId === target.id) {
      return { ok: true, number: request.number, toName: target.fullName, unchanged: true } as const;
    }
    await repository.setRequestCurator(request.id, target.id, request.status, now);
    await repository.insertEvent({
      requestId: request.id,
      type: 'reassigned',
      actorKind: 'staff',
      actorStaffId: checked.presser.id,
      data: { fromStaffId: request.curatorId, toStaffId: target.id, status: request.status },
      createdAt: now,
    });
    await writeOutbox(tx, {
      kind: 'request_reassigned',
      payload: {
        requestId: request.id,
        fromStaffId: request.curatorId,
        toStaffId: target.id,
        byStaffId: checked.presser.id,
      },
    });
    return { ok: true, number: request.number, toName: target.fullName, unchanged: false } as const;
  });
}

/**
 * Gives the family of a request — the family's curator and every open request of the family — to another
 * active curator of the district. A `reassigned` event on each request and one outbox row (all told).
 */
export async function reassignFamily(
  db: Db,
  input: { telegramId: number; requestId: number; toStaffId: number },
  now = new Date(),
): Promise<
  | { ok: true; toName: string; requestNumbers: number[]; unchanged: boolean }
  | { ok: false; refusal: SupervisionRefusal }
> {
  return db.transaction(async (tx) => {
    const checked = await authoriseRequestAction(tx, {
      telegramId: input.telegramId,
      requestId: input.requestId,
      action: 'reassign_family',
    });
    if (!checked.ok) return checked;
    const repository = createSupervisionRepository({ db: tx });
    const family = await repository.lockFamily(checked.request.familyId);
    // The request's district is the family's: the scope was checked on the request above.
    if (!family) return { ok: false, refusal: { reason: 'not_found' } } as const;
    const target = (await repository.activeCuratorsOf(family.districtId)).find(
      (c) => c.id === input.toStaffId,
    );
    if (!target) return { ok: false, refusal: { reason: 'bad_curator' } } as const;
    const open = await repository.openRequestsOfFamily(family.id);
    const moving = open.filter((r) => r.curatorId !== target.id);
    if (family.curatorId === target.id && moving.length === 0) {
      return { ok: true, toName: target.fullName, requestNumbers: [], unchanged: true } as const;
    }
    await repository.setFamilyCurator(family.id, target.id, now);
    for (const request of moving) {
      await repository.setRequestCurator(request.id, target.id, request.status, now);
      await repository.insertEvent({
        requestId: request.id,
        type: 'reassigned',
        actorKind: 'staff',
        actorStaffId: checked.presser.id,
        data: { fromStaffId: request.curatorId, toStaffId: target.id, status: request.status, family: true },
        createdAt: now,
      });
    }
    await writeOutbox(tx, {
      kind: 'family_reassigned',
      payload: {
        familyId: family.id,
        fromStaffId: family.curatorId,
        toStaffId: target.id,
        byStaffId: checked.presser.id,
        requestIds: moving.map((r) => r.id),
      },
    });
    return {
      ok: true,
      toName: target.fullName,
      requestNumbers: moving.map((r) => r.number),
      unchanged: false,
    } as const;
  });
}

export const REGISTER_PAGE_SIZE = 50;

/**
 * One page (0-based) of the web register: the viewer's scope, the period and the filters, sorted. A search
 * reads personal data, so only a supervisor's is applied (an observer's filters never include one), and
 * writes an audit-log row as /find does: who searched, by what kind of query, how many requests matched.
 */
export async function registerPage(
  db: Db,
  viewer: SupervisionViewer,
  query: {
    period: StatsPeriod;
    filters: RegisterFilters;
    sort: RegisterSort;
    descending: boolean;
    page: number;
  },
) {
  const filters = viewer.role === 'supervisor' ? query.filters : { ...query.filters, search: undefined };
  const repository = createSupervisionRepository({ db });
  const result = await repository.registerPage(viewer.scope, query.period, filters, {
    sort: query.sort,
    descending: query.descending,
    offset: query.page * REGISTER_PAGE_SIZE,
    limit: REGISTER_PAGE_SIZE,
  });
  if (filters.search) {
    await repository.insertAudit({
      staffId: viewer.id,
      action: 'register_searched',
      details: { query: filters.search.kind, rows: result.total },
    });
  }
  return { ...result, page: query.page, pages: Math.max(1, Math.ceil(result.total / REGISTER_PAGE_SIZE)) };
}

/** The names of these districts, by id (for a scope or a filter in a reply). */
export async function districtNamesOf(db: Db, ids: number[]) {
  return createSupervisionRepository({ db }).districtNames(ids);
}

/** What /stats and /export may be filtered by: every district and every category of request. */
export async function filterChoices(db: Db) {
  const districts = await createSupervisionRepository({ db }).allDistricts();
  return { districts, categories: requestCategories };
}
