/** A period of creation times: [from, to). `label` is how people read it (dates in the region's zone). */
export interface StatsPeriod {
  from: Date;
  to: Date;
}

const DAY_MS = 86_400_000;

/** How far the zone's wall clock is ahead of UTC at `moment`, in ms. */
function zoneOffsetMs(moment: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(moment);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return wall - Math.floor(moment.getTime() / 1000) * 1000;
}

/** Midnight at the start of a calendar day in the region's zone (month may overflow: 13 → next January). */
export function startOfZonedDay(year: number, month: number, day: number, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, day);
  let utc = wall - zoneOffsetMs(new Date(wall), timeZone);
  // Once more at the found moment: a clock change between the guess and the answer moves the offset.
  utc = wall - zoneOffsetMs(new Date(utc), timeZone);
  return new Date(utc);
}

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
      from: startOfZonedDay(year, number, 1, timeZone),
      to: startOfZonedDay(year, number + 1, 1, timeZone),
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
    const from = startOfZonedDay(n[0], n[1], n[2], timeZone);
    const to = startOfZonedDay(n[3], n[4], n[5] + 1, timeZone);
    return to > from ? { from, to } : undefined;
  }
  return undefined;
}

/** `25.11.2026` in the region's zone. */
export function formatRegionDate(moment: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('ru-RU', {
    timeZone,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).format(moment);
}

/** The period as people read it: first and last day (the end is exclusive, so its last moment's day). */
export function periodLabel(period: StatsPeriod, timeZone: string): string {
  const last = new Date(period.to.getTime() - 1);
  return `${formatRegionDate(period.from, timeZone)} – ${formatRegionDate(last, timeZone)}`;
}
