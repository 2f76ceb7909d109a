/**
 * ValidateTransaction: the first step of the state machine (input `$.detail`). An invalid
 * transaction is a business outcome (valid: false with reasons), never an error; only a store
 * failure throws, so Step Functions retries it.
 */
import { documentClient } from "../shared/dynamoDb";
import { loadValidationConfig } from "./config";
import { createValidationHandler } from "./validationHandler";

export const handler = createValidationHandler({ config: loadValidationConfig(), documentClient });
