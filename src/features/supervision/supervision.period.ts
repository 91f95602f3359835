import { formatRegionDate, regionWallClockToUtc } from '../../time.js';

/** A period of creation times: [from, to). `label` is how people read it (dates in the region's zone). */
export interface StatsPeriod {
  from: Date;
  to: Date;
}

const DAY_MS = 86_400_000;

/**
 * `/stats` and `/export` periods: nothing → the last 30 days; `7d` → the last 7 days (1–366);
 * `2026-11` → that calendar month; `2026-11-01..2026-11-15` → those days inclusive. Months and days are
 * the region's. Undefined when the text is none of these.
 */
export function parsePeriod(text: string | undefined, now: Date, timeZone: string): StatsPeriod | undefined {
  if (text === undefined || text === '') return { from: new Date(now.getTime() - 30 * DAY_MS), to: now };
  const days = /^(\d{1,3})d$/i.exec(text);
  if (days) {
    const count = Number(days[1]);
    if (count < 1 || count > 366) return undefined;
    return { from: new Date(now.getTime() - count * DAY_MS), to: now };
  }
  const month = /^(\d{4})-(\d{2})$/.exec(text);
  if (month) {
    const [year, number] = [Number(month[1]), Number(month[2])];
    if (number < 1 || number > 12) return undefined;
    return {
      from: regionWallClockToUtc({ year, month: number, day: 1 }, timeZone),
      to: regionWallClockToUtc({ year, month: number + 1, day: 1 }, timeZone),
    };
  }
  const range = /^(\d{4})-(\d{2})-(\d{2})\.\.(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (range) {
    const n = range.slice(1).map(Number) as [number, number, number, number, number, number];
    const valid = (y: number, m: number, d: number) => {
      const date = new Date(Date.UTC(y, m - 1, d));
      return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
    };
    if (!valid(n[0], n[1], n[2]) || !valid(n[3], n[4], n[5])) return undefined;
    const from = regionWallClockToUtc({ year: n[0], month: n[1], day: n[2] }, timeZone);
    const to = regionWallClockToUtc({ year: n[3], month: n[4], day: n[5] + 1 }, timeZone);
    return to > from ? { from, to } : undefined;
  }
  return undefined;
}

/** The period as people read it: first and last day (the end is exclusive, so its last moment's day). */
export function periodLabel(period: StatsPeriod, timeZone: string): string {
  const last = new Date(period.to.getTime() - 1);
  return `${formatRegionDate(period.from, timeZone)} – ${formatRegionDate(last, timeZone)}`;
}
