/**
 * What a scheduled job (archival, reconciler, screening-lists refresh) is invoked with: an
 * EventBridge schedule's event, or anything at all when invoked by hand. Only the fields worth a
 * log line are read, and only when they are strings.
 */
export interface ScheduledInvocation {
  readonly id?: unknown;
  readonly time?: unknown;
}

/** The schedule's event id, which names a run; undefined for a manual invocation. */
export function scheduleEventIdOf(event: ScheduledInvocation | null): string | undefined {
  return typeof event?.id === "string" && event.id.length > 0 ? event.id : undefined;
}

/** The time the schedule fired at, as the event says; undefined for a manual invocation. */
export function scheduledTimeOf(event: ScheduledInvocation | null): string | undefined {
  return typeof event?.time === "string" ? event.time : undefined;
}
