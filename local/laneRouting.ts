/**
 * The lane rules on the local bus: the same patterns and target inputs the EventRouting component
 * deploys (functions/shared/eventRouting.ts), delivered to the local state machine and alerts topic.
 */
import {
  amountLanePatterns,
  highValueAlertPattern,
  amountLanes,
  highValueAlertInput,
  stateMachineTargetInput,
  type AmountLaneThresholds,
} from "../functions/shared/eventRouting";
import type { LocalEventBus, RuleTarget } from "./eventBus";

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
  const patterns = amountLanePatterns(thresholds);
  for (const lane of amountLanes) {
    const stateMachine: RuleTarget = {
      id: "state-machine",
      inputTransformer: stateMachineTargetInput(lane),
      deliver: (input) => targets.startExecution(JSON.parse(input)),
    };
    bus.addRule({ name: `lane-${lane}`, pattern: patterns[lane], targets: [stateMachine] });
  }
  bus.addRule({
    name: "high-alert",
    pattern: highValueAlertPattern(thresholds),
    targets: [
      {
        id: "high-value-alert",
        inputTransformer: highValueAlertInput(),
        deliver: (message) => targets.publishAlert(message),
      },
    ],
  });
}
