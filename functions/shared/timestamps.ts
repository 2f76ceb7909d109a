/**
 * Timestamps in the RFC 3339 profile of ISO 8601: date, "T", time, optional fraction and an explicit
 * offset ("Z" or "+02:00"). A timestamp without an offset names no instant, so it is rejected.
 * `Date.parse` alone is not enough: it quietly turns 30 February into 2 March.
 */
const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|([+-])(\d{2}):(\d{2}))$/;

const daysInMonths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in `month` (1-12) of `year`, as Date.UTC counts them (it reads years 0-99 as 1900-1999). */
function daysInMonth(year: number, month: number): number {
  if (month !== 2) return daysInMonths[month - 1];
  const gregorianYear = year < 100 ? year + 1900 : year;
  const leap = (gregorianYear % 4 === 0 && gregorianYear % 100 !== 0) || gregorianYear % 400 === 0;
  return leap ? 29 : 28;
}

/** The instant `text` names, or undefined when it is not a real RFC 3339 date-time with offset. */
export function parseTimestamp(text: string): Date | undefined {
  const match = rfc3339.exec(text);
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const hour = Number(match[4]);
  const minute = Number(match[5]);
  const second = Number(match[6]);
  const offsetHours = match[10] === undefined ? 0 : Number(match[10]);
  const offsetMinutes = match[11] === undefined ? 0 : Number(match[11]);
  const fieldsInRange =
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetHours <= 23 &&
    offsetMinutes <= 59;
  if (!fieldsInRange) return undefined;
  // Date.UTC reads years 0-99 as 1900-1999; the string parser does not.
  if (year < 100) return new Date(text);
  // Computed from the fields rather than by parsing the text again: the same instant (Date's
  // parser, too, keeps the first three fraction digits and drops the rest), at a fraction of the cost.
  const fraction = match[7];
  const milliseconds = fraction === undefined ? 0 : Number(fraction.slice(1, 4).padEnd(3, "0"));
  const offsetMs = (match[9] === "-" ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, milliseconds) - offsetMs);
}

/** Canonical UTC form with milliseconds ("2025-11-14T09:30:00.000Z"), which sorts chronologically as text. */
export function toUtcTimestamp(instant: Date): string {
  return instant.toISOString();
}
