/**
 * Region time, the one place that knows it: moments as people in the region read them, the region's
 * calendar day of a moment ("today"), the moment a wall-clock time in the region is (→ UTC), and calendar
 * arithmetic on ISO dates. The region's zone is config.timeZone (TZ_REGION), passed in.
 */

/** Languages a moment is written in: Russian unless the person chose English. */
const localeOf = (language: string) => (language === 'en' ? 'en-GB' : 'ru-RU');

const shapes = {
  /** `25.11.2026, 14:30` */
  dateTime: { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' },
  /** `14:30` */
  clock: { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  /** `25.11.2026` */
  date: { day: '2-digit', month: '2-digit', year: 'numeric' },
  /** `5 ноября 2026` */
  longDate: { day: 'numeric', month: 'long', year: 'numeric' },
  /** `2026-11-25` in the en-CA locale */
  isoDate: { year: 'numeric', month: '2-digit', day: '2-digit' },
  /** Every field of the wall clock, to read the zone's offset from */
  wallClock: {
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

/** Building an Intl.DateTimeFormat costs far more than formatting with one: one per shape, zone and locale. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(shape: keyof typeof shapes, timeZone: string, locale: string): Intl.DateTimeFormat {
  const key = `${shape}|${timeZone}|${locale}`;
  let cached = formatters.get(key);
  if (!cached) {
    cached = new Intl.DateTimeFormat(locale, { timeZone, ...shapes[shape] });
    formatters.set(key, cached);
  }
  return cached;
}

/** Whether the IANA database knows the zone (config's check of TZ_REGION). */
export function isTimeZone(value: string): boolean {
  try {
    formatter('date', value, 'ru-RU');
    return true;
  } catch {
    return false;
  }
}

/** A moment as people in the region read it: `25.11.2026, 14:30` (`25/11/2026, 14:30` in English). */
export function formatRegionTime(moment: Date, timeZone: string, language = 'ru'): string {
  return formatter('dateTime', timeZone, localeOf(language)).format(moment);
}

/** The region's wall-clock time of a moment: `14:30`. */
export function formatRegionClock(moment: Date, timeZone: string): string {
  return formatter('clock', timeZone, 'ru-RU').format(moment);
}

/** The region's day of a moment as people write it: `25.11.2026`. */
export function formatRegionDate(moment: Date, timeZone: string): string {
  return formatter('date', timeZone, 'ru-RU').format(moment);
}

/** The calendar date (`YYYY-MM-DD`) of a moment in the region: «today» is `regionDate(now, timeZone)`. */
export function regionDate(moment: Date | number, timeZone: string): string {
  return formatter('isoDate', timeZone, 'en-CA').format(moment);
}

/** How far the zone's wall clock is ahead of UTC at `moment`, in ms. */
function zoneOffsetMs(moment: Date, timeZone: string): number {
  const parts = formatter('wallClock', timeZone, 'en-US').formatToParts(moment);
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

/**
 * The moment a wall-clock time in the region is (→ UTC). Fields may overflow like Date.UTC's: month 13 is
 * the next January, day 32 the next month's first.
 */
export function regionWallClockToUtc(
  wall: { year: number; month: number; day: number; hour?: number; minute?: number },
  timeZone: string,
): Date {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour ?? 0, wall.minute ?? 0);
  let utc = asUtc - zoneOffsetMs(new Date(asUtc), timeZone);
  // Once more at the found moment: a clock change between the guess and the answer moves the offset.
  utc = asUtc - zoneOffsetMs(new Date(utc), timeZone);
  return new Date(utc);
}

/** The moment a date (`YYYY-MM-DD`) begins in the region. */
export function startOfRegionDay(isoDate: string, timeZone: string): Date {
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  return regionWallClockToUtc({ year, month, day }, timeZone);
}

/** A calendar date (`YYYY-MM-DD`, no time of day, no zone) in words: `5 ноября 2026`, `5 November 2026`. */
export function formatCalendarDate(isoDate: string, language = 'ru'): string {
  return formatter('longDate', 'UTC', localeOf(language)).format(new Date(`${isoDate}T12:00:00Z`));
}

// Calendar arithmetic on ISO dates (`YYYY-MM-DD`, a day in the region's calendar, no time of day).

/** An ISO date moved by whole days. */
export function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** An ISO date moved by whole years; 29 February becomes 28 February in a common year. */
export function addYears(isoDate: string, years: number): string {
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  const target = year + years;
  const last = new Date(Date.UTC(target, month, 0)).getUTCDate();
  return `${String(target).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(day, last)).padStart(2, '0')}`;
}

/** An ISO date as people write it here: dd.mm.yyyy. */
export function russianDate(isoDate: string): string {
  return isoDate.split('-').reverse().join('.');
}

/**
 * Russia's time zones by the city people name them after («по московскому времени»): the zone ids of the
 * IANA database that keep each one. A region outside the table reads «по местному времени».
 */
const zonesByCity: Record<string, readonly string[]> = {
  kaliningrad: ['Europe/Kaliningrad'],
  moscow: ['Europe/Moscow', 'Europe/Simferopol', 'Europe/Volgograd', 'Europe/Kirov', 'Europe/Minsk'],
  samara: ['Europe/Samara', 'Europe/Ulyanovsk', 'Europe/Astrakhan', 'Europe/Saratov'],
  yekaterinburg: ['Asia/Yekaterinburg'],
  omsk: ['Asia/Omsk'],
  krasnoyarsk: ['Asia/Krasnoyarsk', 'Asia/Novosibirsk', 'Asia/Barnaul', 'Asia/Tomsk', 'Asia/Novokuznetsk'],
  irkutsk: ['Asia/Irkutsk'],
  yakutsk: ['Asia/Yakutsk', 'Asia/Chita', 'Asia/Khandyga'],
  vladivostok: ['Asia/Vladivostok', 'Asia/Ust-Nera'],
  magadan: ['Asia/Magadan', 'Asia/Sakhalin', 'Asia/Srednekolymsk'],
  kamchatka: ['Asia/Kamchatka', 'Asia/Anadyr'],
};

/** The key of the region's time as people name it (`moscow`), or `other` for a zone not in the table. */
export function regionTimeKey(timeZone: string): string {
  for (const [city, zones] of Object.entries(zonesByCity)) if (zones.includes(timeZone)) return city;
  return 'other';
}

/** «по московскому времени»: the region's time zone in words, never its raw id. */
export function regionTimePhrase(
  t: (key: string, args?: Record<string, string>) => string,
  timeZone: string,
) {
  return t('region-time', { zone: regionTimeKey(timeZone) });
}
