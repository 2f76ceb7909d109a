/**
 * The shapes of an EventBridge rule as plain data: its event pattern and a target's input
 * transformer. The EventRouting and BusFunctionSubscription components deploy these objects and
 * the local event bus matches and transforms with the same ones.
 */

/** A JSON value as it may appear in an event pattern. */
export type PatternValue =
  string | number | boolean | null | PatternValue[] | { [key: string]: PatternValue };
export type EventPattern = { [key: string]: PatternValue };

/** An EventBridge input transformer: values picked by JSONPath, placed into a template. */
export interface InputTransformer {
  readonly inputPaths: Readonly<Record<string, string>>;
  readonly inputTemplate: string;
}
