import type { Language } from '../db/schema/enums.js';

/** A moment as people of the region read it: `25.11.2026, 14:05` in the region's time zone. */
export function formatDateTime(moment: Date, timeZone: string, language: Language): string {
  return new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'ru-RU', {
    timeZone,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(moment);
}
