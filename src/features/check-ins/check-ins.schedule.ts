import { regionDate, startOfRegionDay } from '../../time.js';

/**
 * When «Как у вас дела?» may go: in the region's daytime only, each family at a minute of its own so the
 * sends spread over the day instead of arriving at ten o'clock all at once.
 */
export const DAY_START_MINUTE = 10 * 60;
export const DAY_END_MINUTE = 19 * 60;
const DAY_LENGTH = DAY_END_MINUTE - DAY_START_MINUTE;
/** Coprime with the day's 540 minutes: consecutive family ids take every minute of the day in turn. */
const SPREAD = 7919;

/** The family's minute of the day, counted from the day's start (0–539); checkInSlotSql is the same. */
export const checkInSlot = (familyId: number) => (familyId * SPREAD) % DAY_LENGTH;
export const checkInSlotSql = { spread: SPREAD, dayLength: DAY_LENGTH };

/** Minutes since the region's midnight at `now`. */
export function regionMinuteOfDay(now: Date, timeZone: string): number {
  const midnight = startOfRegionDay(regionDate(now, timeZone), timeZone);
  return Math.floor((now.getTime() - midnight.getTime()) / 60_000);
}

/**
 * Of the day's slots, those whose minute has come by `now` (a number for the SQL filter), or undefined at
 * night: before 10:00 and from 19:00 nothing is sent.
 */
export function slotsOpenAt(now: Date, timeZone: string): number | undefined {
  const minute = regionMinuteOfDay(now, timeZone);
  if (minute < DAY_START_MINUTE || minute >= DAY_END_MINUTE) return undefined;
  return minute - DAY_START_MINUTE;
}
