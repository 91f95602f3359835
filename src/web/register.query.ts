import type { FastifyRequest } from 'fastify';
import {
  type RequestCategory,
  type RequestPriority,
  type RequestStatus,
  requestCategories,
  requestPriorities,
  requestStatuses,
} from '../db/schema/enums.js';
import {
  parseFindQuery,
  type RegisterFilters,
  type RegisterSort,
  registerSorts,
  type SupervisionViewer,
} from '../features/supervision/index.js';
import type { WebDeps } from './context.js';
import { type PeriodQuery, readPeriodQuery } from './query.js';

/** The register's view as its URL says: period and district, filters, search, sort and page. */
export interface RegisterQuery extends PeriodQuery {
  raw: Record<string, string | undefined>;
  filters: RegisterFilters;
  status: RequestStatus | undefined;
  category: RequestCategory | undefined;
  urgency: RequestPriority | undefined;
  overdue: boolean;
  search: string;
  sort: RegisterSort;
  descending: boolean;
  page: number;
}

const oneOf = <T extends string>(values: readonly T[], value: string | undefined) =>
  values.includes(value as T) ? (value as T) : undefined;

/**
 * Reads the register's URL. Every value comes from a list (statuses, categories, sorts) or is parsed
 * (`q` as a request number, a phone or a name); a search is kept only for a supervisor.
 */
export async function readRegisterQuery(
  deps: WebDeps,
  request: FastifyRequest,
  viewer: SupervisionViewer,
  now = new Date(),
): Promise<RegisterQuery | 'out_of_scope'> {
  const base = await readPeriodQuery(deps, request, viewer, now);
  if (base === 'out_of_scope') return base;
  const raw = request.query as Record<string, string | undefined>;
  const status = oneOf(requestStatuses, raw.status);
  const category = oneOf(requestCategories, raw.category);
  const urgency = oneOf(requestPriorities, raw.urgency);
  const overdue = raw.overdue === '1';
  const search = viewer.role === 'supervisor' ? (raw.q ?? '').trim().slice(0, 100) : '';
  const found = search ? parseFindQuery(search) : undefined;
  const filters: RegisterFilters = {
    ...(base.districtId === undefined ? {} : { districtId: base.districtId }),
    ...(category ? { category } : {}),
    ...(status ? { status } : {}),
    ...(urgency ? { priority: urgency } : {}),
    ...(overdue ? { overdueAt: now } : {}),
    ...(found ? { search: found } : {}),
  };
  const page = Math.max(0, Math.min(100_000, Math.floor(Number(raw.page ?? 1) || 1) - 1));
  return {
    ...base,
    raw,
    filters,
    status,
    category,
    urgency,
    overdue,
    search,
    sort: oneOf(registerSorts, raw.sort) ?? 'created',
    descending: raw.dir !== 'asc',
    page,
  };
}
