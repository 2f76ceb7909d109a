/**
 * The lane rules on the local bus: the rules, patterns and target inputs the EventRouting
 * component deploys (pipeline/lanes.ts), delivered to the local state machine and alerts topic.
 */
import { laneRules, type AmountLaneThresholds, type LaneRule } from "../pipeline";
import type { LocalEventBus } from "./eventBus";

export interface LaneTargets {
  /** Starts one execution with the rule's input (the deployed target's StartExecution). */
  startExecution(input: unknown): Promise<void>;
  /** Publishes the high lane's immediate alert to the alerts topic. */
  publishAlert(message: string): Promise<void>;
}

export function addLaneRules(
  bus: LocalEventBus,
  thresholds: AmountLaneThresholds,
  targets: LaneTargets,
): void {
  const deliver: Record<LaneRule["target"], (input: string) => Promise<void>> = {
    "state-machine": (input) => targets.startExecution(JSON.parse(input)),
    "alerts-topic": (message) => targets.publishAlert(message),
  };
  for (const rule of laneRules(thresholds)) {
    bus.addRule({
      name: rule.key,
      pattern: rule.pattern,
      targets: [{ id: rule.targetId, inputTransformer: rule.input, deliver: deliver[rule.target] }],
    });
  }
}
