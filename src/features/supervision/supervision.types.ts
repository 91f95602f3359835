import type { RequestCategory, RequestStatus } from '../../db/schema/enums.js';
import type { StatsPeriod } from './supervision.period.js';
import type { FigureRow } from './supervision.repository.js';

/** The figures of a period, as computed by supervision.usecases.ts and shown by supervision.render.ts. */
export interface Stats {
  period: StatsPeriod;
  total: FigureRow;
  byStatus: Record<RequestStatus, number>;
  byDistrict: Array<{ districtId: number; name: string; figures: FigureRow }>;
  byCategory: Array<{ category: RequestCategory; figures: FigureRow }>;
  /** Current curator of each request; `curatorId: null` for requests nobody has. */
  byCurator: Array<{ curatorId: number | null; name: string | null; figures: FigureRow }>;
}
