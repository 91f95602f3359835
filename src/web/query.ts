import type { FastifyRequest } from 'fastify';
import {
  filterChoices,
  parsePeriod,
  type StatsPeriod,
  type SupervisionViewer,
} from '../features/supervision/index.js';
import type { WebDeps } from './context.js';

export const periodChoices = ['7', '30', '90', 'custom'] as const;
export type PeriodChoice = (typeof periodChoices)[number];

/** The period and district of a page's URL, as the form shows them back. */
export interface PeriodQuery {
  choice: PeriodChoice;
  from: string;
  to: string;
  period: StatsPeriod;
  districtId: number | undefined;
  districts: Array<{ id: number; name: string }>;
}

const day = /^\d{4}-\d{2}-\d{2}$/;

/**
 * `period` (7/30/90 days, default 30, or `custom` with `from`/`to` days) and `district` from the URL. A
 * district outside the viewer's scope is `out_of_scope`: the page answers 404, not its figures.
 */
export async function readPeriodQuery(
  deps: WebDeps,
  request: FastifyRequest,
  viewer: SupervisionViewer,
  now = new Date(),
): Promise<PeriodQuery | 'out_of_scope'> {
  const query = request.query as Record<string, string | undefined>;
  const choice = (periodChoices as readonly string[]).includes(query.period ?? '')
    ? (query.period as PeriodChoice)
    : '30';
  const from = day.test(query.from ?? '') ? query.from! : '';
  const to = day.test(query.to ?? '') ? query.to! : '';
  const custom =
    choice === 'custom' && from && to ? parsePeriod(`${from}..${to}`, now, deps.config.timeZone) : undefined;
  const period = custom ?? parsePeriod(`${choice === 'custom' ? 30 : choice}d`, now, deps.config.timeZone)!;
  const { scope } = viewer;
  const districts = (await filterChoices(deps.db)).districts.filter(
    (d) => scope.regional || scope.districtIds.includes(d.id),
  );
  let districtId: number | undefined;
  if (query.district) {
    districtId = Number(query.district);
    if (!districts.some((d) => d.id === districtId)) return 'out_of_scope';
  }
  return {
    choice: custom ? 'custom' : choice === 'custom' ? '30' : choice,
    from,
    to,
    period,
    districtId,
    districts,
  };
}

/** The URL's query with some parameters replaced (empty ones dropped), for links that keep the filters. */
export function withQuery(
  path: string,
  query: Record<string, string | undefined>,
  changes: Record<string, string | undefined>,
) {
  const merged = { ...query, ...changes };
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(merged)) if (value && key !== 'lang') params.set(key, value);
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}
