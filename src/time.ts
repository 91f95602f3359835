/** Region time: moments as people in the region read them, and calendar arithmetic on ISO dates. */

/** Formatters are costly to build: one per zone and shape, kept for the life of the process. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(
  timeZone: string,
  shape: string,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  const key = `${timeZone}|${shape}`;
  let cached = formatters.get(key);
  if (!cached) {
    cached = new Intl.DateTimeFormat('ru-RU', { timeZone, ...options });
    formatters.set(key, cached);
  }
  return cached;
}

/** A moment as people in the region read it: `25.11.2026, 14:30`. */
export function formatRegionTime(date: Date, timeZone: string): string {
  return formatter(timeZone, 'date-time', {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(date);
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
