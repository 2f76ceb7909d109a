/**
 * Timestamps in the RFC 3339 profile of ISO 8601: date, "T", time, optional fraction and an explicit
 * offset ("Z" or "+02:00"). A timestamp without an offset names no instant, so it is rejected.
 * `Date.parse` alone is not enough: it quietly turns 30 February into 2 March.
 */
const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|([+-])(\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The instant `text` names, or undefined when it is not a real RFC 3339 date-time with offset. */
export function parseTimestamp(text: string): Date | undefined {
  const match = rfc3339.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
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
  const instant = new Date(text);
  return Number.isNaN(instant.getTime()) ? undefined : instant;
}

/** Canonical UTC form with milliseconds ("2025-11-14T09:30:00.000Z"), which sorts chronologically as text. */
export function toUtcTimestamp(instant: Date): string {
  return instant.toISOString();
}
