/**
 * How each function is started, read from the rest of the description (routes, state machine
 * steps, bucket notifications, bus subscriptions, schedules) rather than stated again. The
 * program derives from it which functions get an on-failure destination and which get reserved
 * concurrency.
 */
import { describeFunction, type PipelineFunction } from "./functions";
import { ingestApiRoutes } from "./routes";
import { stateMachineSteps } from "./stateMachine";
import { busSubscriptions } from "./subscriptions";
import { uploadNotificationTargets } from "./uploadNotifications";

export type Invoker = "api" | "state-machine" | "s3" | "bus" | "schedule";

export function invokersOf(folder: PipelineFunction): Invoker[] {
  const invokers: Invoker[] = [];
  const named = (functions: Iterable<{ readonly function: string } | string>) =>
    [...functions].some((entry) => (typeof entry === "string" ? entry : entry.function) === folder);
  if (named(Object.values(ingestApiRoutes))) invokers.push("api");
  if (named(Object.values(stateMachineSteps))) invokers.push("state-machine");
  if (named(uploadNotificationTargets)) invokers.push("s3");
  if (named(Object.values(busSubscriptions))) invokers.push("bus");
  if (describeFunction(folder).invokedOnSchedule === true) invokers.push("schedule");
  return invokers;
}

/**
 * Started by S3, a bus rule or a schedule: Lambda invokes it asynchronously, retries twice and
 * then discards the event unless the function has an on-failure destination.
 */
export function invokedAsynchronously(folder: PipelineFunction): boolean {
  return invokersOf(folder).some(
    (invoker) => invoker === "s3" || invoker === "bus" || invoker === "schedule",
  );
}

/** A step of the state machine: these get the reserved concurrency; the HTTP functions are throttled by the API. */
export function isStateMachineStep(folder: PipelineFunction): boolean {
  return invokersOf(folder).includes("state-machine");
}
