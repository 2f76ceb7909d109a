/** Day arithmetic on `YYYY-MM-DD` strings (UTC), which also compare correctly as strings. Pure. */
import { isArchiveDay } from "../shared/archiveLayout";

const dayMs = 86_400_000;

/** The UTC day of an instant. */
export function dayOf(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  if (!isArchiveDay(day)) throw new RangeError(`not a YYYY-MM-DD day: ${JSON.stringify(day)}`);
  return dayOf(new Date(Date.parse(`${day}T00:00:00.000Z`) + days * dayMs));
}
