/**
 * FraudDetection: scores a validated transaction against the customer's history (input
 * `{transaction}`). Idempotent in effect: the history is what sorts before this transaction, so a re-run answers
 * the same unless that history changed meanwhile (a late arrival with an earlier timestamp, a
 * status change); the state machine keeps the first recorded decision either way.
 */
import { documentClient } from "../shared/dynamoDb";
import { EnvironmentName } from "../shared/environmentNames";
import { optionalJsonEnvironment, requireEnvironment } from "../shared/environment";
import { createFraudDetectionHandler } from "./fraudDetectionHandler";
import { loadFraudRules } from "./fraudRules";

export const handler = createFraudDetectionHandler({
  documentClient,
  transactionsTable: requireEnvironment(EnvironmentName.transactionsTable),
  rules: loadFraudRules(optionalJsonEnvironment(EnvironmentName.fraudRulesOverride)),
});
